/**
 * A cluster with the kubemetrics metrics API server installed as deploy/metrics-apiserver/
 * installs it — its Service, RBAC, APIServices (caBundle filled in), a Secret with the serving
 * certificate, two pods from the Deployment template and their EndpointSlice — with the server
 * itself running in-process on 127.0.0.1 behind that EndpointSlice, so the test cluster forwards
 * the APIServices' requests to it over verified TLS with front-proxy authentication.
 * `v1beta1.metrics.k8s.io` is Local here (the test cluster's own metrics, as metrics-server would
 * serve them), as the manifests advise when metrics-server runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type {
  APIService,
  Deployment,
  EndpointSlice,
  HorizontalPodAutoscaler,
  Pod,
  Service,
} from '../../src/api/index.js';
import { runCli } from '../../src/cli/run.js';
import {
  buildCluster,
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  startTestCluster,
  type ClusterObject,
  type KeyPair,
  type TestCluster,
  type TestUser,
} from '../../src/testing/index.js';
import { Capture } from './cli.js';
import { eventually } from './https.js';

const DEPLOY = 'deploy/metrics-apiserver';
export const NAMESPACE = 'kubemetrics';
export const SERVICE = 'kubemetrics-apiserver';
export const SERVICE_ACCOUNT = `system:serviceaccount:${NAMESPACE}:kubemetrics-apiserver`;
const HOST = `${SERVICE}.${NAMESPACE}.svc`;

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument --
   manifests are untyped YAML read from deploy/. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

function manifests(): Manifest[] {
  return readdirSync(DEPLOY)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(DEPLOY, f), 'utf8')).map((d) => d.toJS() as Manifest),
    );
}

export interface DoctorFixture {
  readonly cluster: TestCluster;
  readonly servingCa: ReturnType<typeof createCertificateAuthority>;
  /** The HPA that works (namespace/name of a Deployment of the fixture). */
  readonly hpa: HorizontalPodAutoscaler;
  /** Port the in-process metrics API server listens on. */
  readonly port: number;
  /** The objects as installed, for tests to change and re-apply. */
  readonly apiServices: APIService[];
  readonly service: Service;
  readonly slice: EndpointSlice;
  readonly pods: Pod[];
  /** Adds or replaces an object by its `kind` (a manifest as `kubectl apply` would take it). */
  apply(object: ClusterObject): void;
  /** Runs `kubemetrics doctor` in-process (as the cluster admin, or `user`); parses `-o json`. */
  doctor(
    args?: readonly string[],
    user?: string,
  ): Promise<{ code: number; report: DoctorJson; stderr: string }>;
  /** Stops the metrics API server (its endpoints stay, as when pods die before the slice updates). */
  stopServer(): Promise<void>;
  stop(): Promise<void>;
}

export interface DoctorJson {
  checks: {
    name: string;
    status: string;
    summary: string;
    cause?: string;
    evidence?: string;
    fix?: string;
  }[];
  problems: number;
  warnings: number;
}

export interface FixtureOptions {
  /** Serving certificate to use instead of a valid one for the Service name (signed by the returned CA). */
  readonly servingCertificate?: (ca: ReturnType<typeof createCertificateAuthority>) => KeyPair;
  /** More users of the cluster (e.g. one without access to Secrets). */
  readonly users?: TestUser[];
}

export async function startDoctorFixture(options: FixtureOptions = {}): Promise<DoctorFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-doctor-'));
  const frontProxyCa = createCertificateAuthority('front-proxy-ca');
  const proxyClient = issueClientCertificate(frontProxyCa, 'front-proxy-client');
  const servingCa = createCertificateAuthority('kubemetrics-apiserver-ca');
  const serving =
    options.servingCertificate?.(servingCa) ??
    issueServerCertificate(servingCa, {
      dnsNames: [HOST, `${SERVICE}.${NAMESPACE}`],
      ipAddresses: ['127.0.0.1'],
    });

  const all = manifests();
  const rbac = all.filter((m) =>
    ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(m['kind']),
  );
  const service = all.find((m) => m['kind'] === 'Service') as Service & { kind: string };
  const deployment = all.find((m) => m['kind'] === 'Deployment') as Manifest;
  const configMap = all.find((m) => m['kind'] === 'ConfigMap' && m['metadata'].name === SERVICE) as Manifest;

  // The server's config as deployed, with its files moved to a temporary directory.
  const config = parse(configMap['data']['apiserver.yaml'] as string) as Manifest;
  writeFileSync(join(dir, 'tls.crt'), serving.certPem);
  writeFileSync(join(dir, 'tls.key'), serving.keyPem);
  const fixture = buildCluster({ nodes: 2, podsPerNode: 8, now: new Date().toISOString() });
  // An HPA that works: a Deployment of the fixture scaled on cpu, a Pods metric the server serves
  // for exactly its pods, and the example's External metric.
  const withMetrics = new Set(
    fixture.podMetrics.map((m) => `${m.metadata.namespace ?? ''}/${m.metadata.name ?? ''}`),
  );
  const podsOf = (d: Deployment) =>
    fixture.pods.filter(
      (p) =>
        p.metadata.namespace === d.metadata.namespace &&
        Object.entries(d.spec.selector.matchLabels ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v),
    );
  const web = fixture.deployments.find((d) => {
    const pods = podsOf(d);
    return (
      pods.length > 0 &&
      pods.every((p) => withMetrics.has(`${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`))
    );
  });
  if (web === undefined) throw new Error('the fixture has no Deployment whose pods all have metrics');
  const metricsFile = {
    custom: podsOf(web).map((p, i) => ({
      resource: 'pods',
      namespace: p.metadata.namespace,
      name: p.metadata.name,
      metric: 'http_requests_per_second',
      value: `${(i + 1) * 250}m`,
      labels: p.metadata.labels,
    })),
    external: (parse(configMap['data']['metrics.yaml'] as string) as Manifest)['external'],
  };
  writeFileSync(join(dir, 'metrics.yaml'), stringify(metricsFile));
  const hpa: HorizontalPodAutoscaler = {
    metadata: { name: web.metadata.name, namespace: web.metadata.namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: web.metadata.name ?? '' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
        {
          type: 'Pods',
          pods: {
            metric: { name: 'http_requests_per_second' },
            target: { type: 'AverageValue', averageValue: '1' },
          },
        },
        {
          type: 'External',
          external: {
            metric: { name: 'queue_depth', selector: { matchLabels: { queue: 'orders' } } },
            target: { type: 'AverageValue', averageValue: '30' },
          },
        },
      ],
    },
    status: { desiredReplicas: 1 },
  };
  config['listen'] = { address: '127.0.0.1', port: 0 };
  config['tls'] = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  config['providers'] = [{ type: 'memory', file: join(dir, 'metrics.yaml') }];
  config['logLevel'] = 'info';
  writeFileSync(join(dir, 'apiserver.yaml'), stringify(config));

  const cluster = await startTestCluster({
    ...fixture,
    horizontalPodAutoscalers: [hpa],
    users: [
      { name: 'admin', groups: ['system:masters'] },
      // The server's service account: only what RBAC (deploy/metrics-apiserver/rbac.yaml) grants.
      { name: SERVICE_ACCOUNT, allow: [] },
      ...(options.users ?? []),
    ],
    frontProxy: { caPem: frontProxyCa.certPem, allowedNames: ['front-proxy-client'], proxyClient },
    objects: [...(rbac as ClusterObject[]), service],
  });

  const stderr = new Capture();
  const controller = new AbortController();
  const exit = runCli(
    [
      'apiserver',
      '--config',
      join(dir, 'apiserver.yaml'),
      '--kubeconfig',
      cluster.kubeconfigPathFor(SERVICE_ACCOUNT),
    ],
    {
      stdout: new Capture(),
      stderr,
      env: {},
      stdoutIsTTY: false,
      stderrIsTTY: false,
      signal: controller.signal,
    },
  );
  let port = 0;
  try {
    // Ready, and trusting the front proxy (the ConfigMap is read just after the port opens).
    const loaded = '"msg":"loaded kube-system/extension-apiserver-authentication"';
    await eventually(() => stderr.text.includes(loaded) || stderr.text.includes('"level":"error"'), 20_000);
    port = Number(/"url":"https:\/\/127\.0\.0\.1:(\d+)"/.exec(stderr.text)?.[1] ?? 0);
    if (port === 0) throw new Error(`the metrics API server did not start:\n${stderr.text}`);
  } catch (error) {
    controller.abort();
    await exit;
    await cluster.stop();
    throw error;
  }

  const template = deployment['spec'].template;
  const started = new Date().toISOString();
  const pods: Pod[] = [0, 1].map((i) => ({
    metadata: {
      name: `${SERVICE}-7d9f8b6c5-${['abcde', 'fghij'][i] ?? ''}`,
      namespace: NAMESPACE,
      labels: { ...template.metadata.labels, 'pod-template-hash': '7d9f8b6c5' },
      creationTimestamp: started,
    },
    spec: { ...template.spec, nodeName: fixture.nodes[i % fixture.nodes.length]?.metadata.name },
    status: {
      phase: 'Running',
      startTime: started,
      podIP: '127.0.0.1',
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  }));
  for (const pod of pods) cluster.upsertPod(pod);
  const slice: EndpointSlice = {
    metadata: {
      name: `${SERVICE}-x1y2z`,
      namespace: NAMESPACE,
      labels: { 'kubernetes.io/service-name': SERVICE },
    },
    addressType: 'IPv4',
    endpoints: pods.map((p) => ({
      addresses: ['127.0.0.1'],
      conditions: { ready: true },
      targetRef: { kind: 'Pod', namespace: NAMESPACE, name: p.metadata.name ?? '' },
    })),
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  };
  const apply = (object: ClusterObject) => cluster.upsertObject(object.kind as 'Secret', object);
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const apiServices = all
    .filter((m) => m['kind'] === 'APIService')
    .map((m): APIService & { kind: string } => {
      const local = m['spec'].group === 'metrics.k8s.io';
      return {
        ...(m as APIService & { kind: string }),
        spec: local
          ? {
              group: m['spec'].group,
              version: m['spec'].version,
              groupPriorityMinimum: 100,
              versionPriority: 100,
            }
          : { ...m['spec'], caBundle: b64(servingCa.certPem) },
      };
    });
  apply({ ...slice, kind: 'EndpointSlice' });
  apply({
    kind: 'Secret',
    metadata: { name: 'kubemetrics-apiserver-tls', namespace: NAMESPACE },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': b64(serving.certPem),
      'tls.key': b64(serving.keyPem),
      'ca.crt': b64(servingCa.certPem),
    },
  });
  for (const a of apiServices) apply(a);
  await cluster.syncAPIServices();

  return {
    cluster,
    servingCa,
    hpa,
    port,
    apiServices,
    service,
    slice,
    pods,
    apply,
    async stopServer() {
      controller.abort();
      await exit;
    },
    async doctor(args = [], user) {
      const out = new Capture();
      const err = new Capture();
      const kubeconfig = user === undefined ? cluster.kubeconfigPath : cluster.kubeconfigPathFor(user);
      // A generous deadline per check unless a test sets its own: a loaded CI machine can push a
      // check past the 10 s default, and the deadline is not what these tests are about.
      const deadline = args.includes('--check-timeout') ? [] : ['--check-timeout', '60s'];
      const code = await runCli(['doctor', '-o', 'json', '--kubeconfig', kubeconfig, ...deadline, ...args], {
        stdout: out,
        stderr: err,
        env: {},
        stdoutIsTTY: false,
        stderrIsTTY: false,
        signal: new AbortController().signal,
      });
      let report: DoctorJson;
      try {
        report = JSON.parse(out.text) as DoctorJson;
      } catch {
        throw new Error(`doctor printed no JSON (exit ${code}):\n${out.text}\n${err.text}`);
      }
      return { code, report, stderr: err.text };
    },
    async stop() {
      controller.abort();
      await exit;
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
