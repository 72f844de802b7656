/**
 * The HPA controller's metrics reads: the custom metrics version choice of k8s.io/metrics
 * custom_metrics `apiVersionsFromDiscovery.chooseVersion`, and the selector parameter of
 * external.metrics.k8s.io (k8s.io/metrics external_metrics client: `labelSelector`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApi } from '../../test/helpers/hpa-fake-api.js';
import { KubeConfig } from './credentials.js';
import { chooseCustomMetricsVersion } from './hpa-metrics.js';
import { MetricsClient } from './metrics-client.js';

const group = (versions: string[], preferred?: string) => ({
  name: 'custom.metrics.k8s.io',
  versions: versions.map((v) => ({ groupVersion: `custom.metrics.k8s.io/${v}`, version: v })),
  ...(preferred === undefined
    ? {}
    : { preferredVersion: { groupVersion: `custom.metrics.k8s.io/${preferred}`, version: preferred } }),
});

describe('chooseCustomMetricsVersion (custom_metrics discovery.go chooseVersion)', () => {
  it('takes the server-preferred version when it is one the client knows', () => {
    expect(chooseCustomMetricsVersion(group(['v1beta2', 'v1beta1'], 'v1beta1'))).toBe('v1beta1');
    expect(chooseCustomMetricsVersion(group(['v1beta1', 'v1beta2'], 'v1beta2'))).toBe('v1beta2');
  });
  it('else the first known version in the server list', () => {
    expect(chooseCustomMetricsVersion(group(['v2alpha9', 'v1beta1', 'v1beta2'], 'v2alpha9'))).toBe('v1beta1');
    expect(chooseCustomMetricsVersion(group(['v1beta2']))).toBe('v1beta2');
  });
  it('none when the server serves no known version', () => {
    expect(chooseCustomMetricsVersion(group(['v2alpha9'], 'v2alpha9'))).toBeUndefined();
  });
});

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

describe('MetricsClient.getExternalMetric', () => {
  it('sends the metric selector as labelSelector, the parameter external.metrics.k8s.io reads', async () => {
    const api = await startFakeApi((url) =>
      url.pathname === '/apis/external.metrics.k8s.io'
        ? {
            body: {
              name: 'external.metrics.k8s.io',
              versions: [{ groupVersion: 'external.metrics.k8s.io/v1beta1', version: 'v1beta1' }],
            },
          }
        : url.pathname === '/apis/external.metrics.k8s.io/v1beta1/namespaces/web/depth'
          ? { body: { items: [] } }
          : undefined,
    );
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: api.url, skipTLSVerify: false }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'u' }],
      currentContext: 'fake',
    });
    const client = new MetricsClient(kc, { retries: 0 });
    cleanup.push(async () => {
      await client.close();
      await api.close();
    });
    await client.getExternalMetric({ namespace: 'web', metric: 'depth', metricLabelSelector: 'queue=a' });
    expect(api.log).toContain(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/web/depth?labelSelector=queue%3Da',
    );
  });
});
