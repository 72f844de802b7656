/**
 * The example provider of docs/writing-a-provider.md, verbatim apart from import paths, run
 * against a fake queue service: it keeps the guide compiling and true.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsApiServer, ProviderUnavailableError } from '../src/apiserver/index.js';
import type {
  CustomMetricInfo,
  CustomMetricObjectQuery,
  CustomMetricSelectorQuery,
  CustomMetricsProvider,
  CustomMetricValue,
  ExternalMetricQuery,
  ExternalMetricsProvider,
  ExternalMetricSample,
  MetricsApiServer,
} from '../src/apiserver/index.js';
import { parseQuantity } from '../src/quantity/index.js';

// --- guide example starts -------------------------------------------------------------------

/** What the queue service answers for `GET /queues`. */
interface Queue {
  name: string;
  namespace: string;
  /** The deployment whose workers drain the queue. */
  deployment: string;
  labels: Record<string, string>;
  waiting: number;
}

/**
 * Serves the number of waiting jobs of a work queue two ways: as a custom metric of the
 * deployment that drains it (`deployments.apps/jobs_waiting`, for an HPA `Object` metric) and as
 * an external metric `queue_depth` selected by queue labels (for an HPA `External` metric).
 */
export class QueueMetricsProvider implements CustomMetricsProvider, ExternalMetricsProvider {
  constructor(private readonly queueServiceUrl: string) {}

  listCustomMetrics(): CustomMetricInfo[] {
    return [
      { groupResource: { group: 'apps', resource: 'deployments' }, metric: 'jobs_waiting', namespaced: true },
    ];
  }

  async getMetricByName(query: CustomMetricObjectQuery): Promise<CustomMetricValue | undefined> {
    if (query.metric !== 'jobs_waiting' || query.groupResource.resource !== 'deployments') return undefined;
    const queues = (await this.queues(query.signal)).filter(
      (q) =>
        q.namespace === query.namespace &&
        q.deployment === query.name &&
        query.metricSelector.matches(q.labels),
    );
    if (queues.length === 0) return undefined; // the server answers 404 NotFound
    const waiting = queues.reduce((sum, q) => sum + q.waiting, 0);
    return { name: query.name, value: parseQuantity(String(waiting)), windowSeconds: 0 };
  }

  async getMetricBySelector(query: CustomMetricSelectorQuery): Promise<CustomMetricValue[]> {
    // Deployments are not labelled in the queue service: without names from an ObjectLister
    // we cannot resolve a label selector, so we answer for named deployments only.
    if (query.names === undefined) return [];
    const values: CustomMetricValue[] = [];
    for (const name of query.names) {
      const value = await this.getMetricByName({ ...query, name });
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  listExternalMetrics(): { metric: string }[] {
    return [{ metric: 'queue_depth' }];
  }

  async getExternalMetric(query: ExternalMetricQuery): Promise<ExternalMetricSample[]> {
    if (query.metric !== 'queue_depth') return [];
    return (await this.queues(query.signal))
      .filter((q) => q.namespace === query.namespace)
      .map((q) => ({ labels: { ...q.labels, queue: q.name }, value: parseQuantity(String(q.waiting)) }))
      .filter((series) => query.selector.matches(series.labels));
  }

  /** Ready once the queue service answers. */
  async ready(): Promise<boolean> {
    try {
      await this.queues(AbortSignal.timeout(2_000));
      return true;
    } catch {
      return false;
    }
  }

  private async queues(signal: AbortSignal): Promise<Queue[]> {
    let response: Response;
    try {
      response = await fetch(`${this.queueServiceUrl}/queues`, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]),
      });
    } catch (error) {
      if (signal.aborted) throw error; // the client went away: nobody reads the answer
      throw new ProviderUnavailableError(`queue service ${this.queueServiceUrl} is unreachable`, {
        cause: error,
        retryAfterSeconds: 10,
      });
    }
    if (!response.ok)
      throw new ProviderUnavailableError(`queue service answered ${response.status} for GET /queues`);
    return (await response.json()) as Queue[];
  }
}

// --- guide example ends ---------------------------------------------------------------------

const QUEUES: Queue[] = [
  { name: 'orders', namespace: 'shop', deployment: 'worker', labels: { team: 'checkout' }, waiting: 12 },
  { name: 'refunds', namespace: 'shop', deployment: 'worker', labels: { team: 'billing' }, waiting: 3 },
  { name: 'mail', namespace: 'shop', deployment: 'mailer', labels: { team: 'comms' }, waiting: 7 },
];

let queueService: Server;
let queueUrl = '';
let server: MetricsApiServer;
let url = '';

beforeAll(async () => {
  queueService = createServer((req, res) => {
    if (req.url === '/queues') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(QUEUES));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => queueService.listen(0, '127.0.0.1', resolve));
  queueUrl = `http://127.0.0.1:${(queueService.address() as AddressInfo).port}`;
  const provider = new QueueMetricsProvider(queueUrl);
  server = createMetricsApiServer({ providers: { custom: provider, external: provider } });
  url = (await server.listen()).url;
});

afterAll(async () => {
  await server.close();
  queueService.closeAllConnections();
  await new Promise((resolve) => queueService.close(resolve));
});

const json = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(url + path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the provider of docs/writing-a-provider.md', () => {
  it('serves the Object metric of a deployment, summed over its queues', async () => {
    const r = await json(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/deployments.apps/worker/jobs_waiting',
    );
    expect(r.body['items']).toMatchObject([
      {
        describedObject: { kind: 'Deployment', name: 'worker', apiVersion: 'apps/v1' },
        value: '15',
        windowSeconds: 0,
      },
    ]);
    const one = await json(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/deployments.apps/worker/jobs_waiting?metricLabelSelector=team%3Dbilling',
    );
    expect(one.body['items']).toMatchObject([{ value: '3' }]);
    expect(
      (await json('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/deployments.apps/nope/jobs_waiting'))
        .status,
    ).toBe(404);
  });

  it('serves the external metric by queue labels', async () => {
    const r = await json(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth?labelSelector=team%20in%20(checkout,comms),queue!%3Dx',
    );
    expect(r.body['items']).toMatchObject([
      { metricName: 'queue_depth', metricLabels: { team: 'checkout', queue: 'orders' }, value: '12' },
      { metricName: 'queue_depth', metricLabels: { team: 'comms', queue: 'mail' }, value: '7' },
    ]);
  });

  it('a queue service that is down is a 503; the server stays ready and ?verbose shows the backend', async () => {
    const down = new QueueMetricsProvider('http://127.0.0.1:1');
    const broken = createMetricsApiServer({ providers: { external: down } });
    const base = (await broken.listen()).url;
    try {
      const res = await fetch(`${base}/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('10');
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz?verbose`)).text()).toContain('[!]provider-external');
    } finally {
      await broken.close();
    }
  });
});
