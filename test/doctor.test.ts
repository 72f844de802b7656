/**
 * kubemetrics doctor against the test cluster: a healthy install of deploy/metrics-apiserver/
 * reports nothing, and each failure class is found with its cause and fix.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { APIService, HorizontalPodAutoscaler } from '../src/api/index.js';
import { MetricsClient } from '../src/client/index.js';
import { createCertificateAuthority, issueServerCertificate } from '../src/testing/index.js';
import { startDoctorFixture, type DoctorFixture, type DoctorJson } from './helpers/doctor-fixture.js';

let fixture: DoctorFixture | undefined;
afterEach(async () => {
  await fixture?.stop();
  fixture = undefined;
});

describe('kubemetrics doctor: healthy install', () => {
  it('deploy/metrics-apiserver with a real caBundle: 0 problems, 0 warnings, exit 0', async () => {
    fixture = await startDoctorFixture();
    const { code, report } = await fixture.doctor();
    const notOk = report.checks.filter((c) => c.status !== 'ok');
    expect(notOk, JSON.stringify(notOk, null, 2)).toEqual([]);
    expect(report.problems).toBe(0);
    expect(report.warnings).toBe(0);
    expect(code).toBe(0);
    // Every check ran, and the HPA's three metrics were fetched as the controller fetches them.
    const names = new Set(report.checks.map((c) => c.name.split('/')[0]));
    expect([...names].sort()).toEqual(
      [
        'apiservice',
        'certificate',
        'discovery',
        'front-proxy',
        'hpa',
        'rbac',
        'resource-metrics',
        'service',
      ].sort(),
    );
    const hpa = result(
      report,
      `hpa/${fixture.hpa.metadata.namespace ?? ''}/${fixture.hpa.metadata.name ?? ''}`,
    );
    // Each metric as `name (Type) current/target`, the target as the fixture's HPA spec writes it.
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const expected = (fixture.hpa.spec.metrics ?? []).map((m) => {
      const source = m.resource ?? m.pods ?? m.external ?? m.object;
      const name = m.resource?.name ?? m.pods?.metric.name ?? m.external?.metric.name ?? '';
      const target =
        source?.target.averageUtilization !== undefined
          ? `${source.target.averageUtilization}%`
          : (source?.target.averageValue ?? source?.target.value ?? '');
      return `${escape(name)} \\(${m.type}\\) [^,/]+/${escape(target)}`;
    });
    expect(expected).toHaveLength(3);
    expect(hpa.summary).toMatch(new RegExp(`: ${expected.join(', ')}$`));
  });
});

type Check = DoctorJson['checks'][number];

/** The one result named `name` (exactly), failing with the whole report when absent. */
function result(report: DoctorJson, name: string): Check {
  const found = report.checks.find((c) => c.name === name);
  if (found === undefined)
    throw new Error(
      `no result ${name} in:\n${report.checks.map((c) => `${c.status} ${c.name}: ${c.summary}`).join('\n')}`,
    );
  return found;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const CUSTOM = 'v1beta2.custom.metrics.k8s.io';

async function start(options: Parameters<typeof startDoctorFixture>[0] = {}): Promise<DoctorFixture> {
  fixture = await startDoctorFixture(options);
  return fixture;
}

function apiService(f: DoctorFixture, name: string): APIService & { kind: string } {
  const found = f.apiServices.find((a) => a.metadata.name === name);
  if (found === undefined) throw new Error(`no APIService ${name}`);
  return { ...found, kind: 'APIService' };
}

describe('kubemetrics doctor: each failure class with its cause and fix', () => {
  it('FailedDiscoveryCheck (connection refused): the APIService reason, a network cause, discovery 503', async () => {
    const f = await start();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    f.apply({
      ...f.slice,
      kind: 'EndpointSlice',
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    });
    await f.cluster.syncAPIServices();
    const { code, report } = await f.doctor();
    expect(code).toBe(1);
    const a = result(report, `apiservice/${CUSTOM}`);
    expect(a.status).toBe('problem');
    expect(a.summary).toContain('FailedDiscoveryCheck');
    expect(a.evidence).toContain('connect ECONNREFUSED');
    expect(a.cause).toContain('cannot open a connection');
    expect(a.fix).toContain('targetPort');
    const d = result(report, 'discovery/custom.metrics.k8s.io/v1beta2');
    expect(d).toMatchObject({ status: 'problem' });
    expect(d.summary).toContain('the server is currently unable to handle the request');
  });

  it('MissingEndpoints: no ready pod behind the Service', async () => {
    const f = await start();
    f.apply({
      ...f.slice,
      kind: 'EndpointSlice',
      endpoints: f.slice.endpoints.map((e) => ({ ...e, conditions: { ready: false } })),
    });
    f.cluster.upsertPod({
      ...f.pods[0]!,
      status: {
        ...f.pods[0]!.status,
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'apiserver',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    });
    await f.cluster.syncAPIServices();
    const { report } = await f.doctor();
    const a = result(report, `apiservice/${CUSTOM}`);
    expect(a).toMatchObject({ status: 'problem' });
    expect(a.summary).toContain('MissingEndpoints');
    expect(a.fix).toContain('kubectl -n kubemetrics describe pod');
    const s = result(report, 'service/kubemetrics/kubemetrics-apiserver/endpoints');
    expect(s.status).toBe('problem');
    expect(s.summary).toContain('no ready endpoints (0 of 2)');
    expect(s.evidence).toContain('apiserver: CrashLoopBackOff');
  });

  it('unready endpoints: one replica of two not ready is a warning naming it', async () => {
    const f = await start();
    const [first, second] = f.slice.endpoints;
    f.apply({
      ...f.slice,
      kind: 'EndpointSlice',
      endpoints: [first!, { ...second!, conditions: { ready: false } }],
    });
    await f.cluster.syncAPIServices();
    const { code, report } = await f.doctor();
    const s = result(report, 'service/kubemetrics/kubemetrics-apiserver/endpoints');
    expect(s).toMatchObject({ status: 'warning' });
    expect(s.summary).toContain('1 of 2 endpoints not ready');
    expect(s.evidence).toContain(second!.targetRef!.name);
    expect(report.problems).toBe(0);
    expect(code).toBe(0);
  });

  it('ServiceNotFound: the Service was deleted', async () => {
    const f = await start();
    f.cluster.deleteObject('Service', 'kubemetrics', 'kubemetrics-apiserver');
    await f.cluster.syncAPIServices();
    const { report } = await f.doctor();
    const a = result(report, `apiservice/${CUSTOM}`);
    expect(a.summary).toContain('ServiceNotFound');
    expect(a.cause).toContain('does not exist');
    expect(a.fix).toContain(`kubectl delete apiservice ${CUSTOM}`);
    expect(result(report, 'service/kubemetrics/kubemetrics-apiserver')).toMatchObject({ status: 'problem' });
  });

  it('port mismatch: the APIService dials a port the Service does not have (ServicePortError)', async () => {
    const f = await start();
    const a = apiService(f, CUSTOM);
    f.apply({ ...a, spec: { ...a.spec, service: { ...a.spec.service, port: 8443 } } });
    await f.cluster.syncAPIServices();
    const { report } = await f.doctor();
    expect(result(report, `apiservice/${CUSTOM}`).summary).toContain('ServicePortError');
    const p = result(report, 'service/kubemetrics/kubemetrics-apiserver/port');
    expect(p.status).toBe('problem');
    expect(p.evidence).toContain('spec.service.port=8443');
    expect(p.fix).toContain(`kubectl patch apiservice ${CUSTOM}`);
    expect(p.fix).toContain('"port":443');
  });

  it('insecureSkipTLSVerify is a warning on an otherwise available APIService', async () => {
    const f = await start();
    const a = apiService(f, CUSTOM);
    f.apply({ ...a, spec: { ...a.spec, caBundle: undefined, insecureSkipTLSVerify: true } });
    await f.cluster.syncAPIServices();
    const { code, report } = await f.doctor();
    expect(result(report, `apiservice/${CUSTOM}`).status).toBe('ok');
    const w = result(report, `apiservice/${CUSTOM}/tls`);
    expect(w.status).toBe('warning');
    expect(w.fix).toContain('caBundle');
    expect(result(report, `certificate/${CUSTOM}`).summary).toContain('not verified (insecureSkipTLSVerify)');
    expect(code).toBe(0);
  });

  it('caBundle not verifying the serving certificate: x509 in the APIService, the CA named in the fix', async () => {
    const f = await start();
    const a = apiService(f, CUSTOM);
    const other = createCertificateAuthority('some-other-ca');
    f.apply({ ...a, spec: { ...a.spec, caBundle: b64(other.certPem) } });
    await f.cluster.syncAPIServices();
    const { report } = await f.doctor();
    const av = result(report, `apiservice/${CUSTOM}`);
    expect(av.summary).toContain('FailedDiscoveryCheck');
    expect(av.cause).toContain('rejected its TLS certificate');
    const c = result(report, `certificate/${CUSTOM}/ca-bundle`);
    expect(c.status).toBe('problem');
    expect(c.evidence).toContain('kubemetrics-apiserver-ca');
    expect(c.evidence).toContain('some-other-ca');
    expect(c.fix).toContain("jsonpath='{.data.ca\\.crt}'");
  });

  it('SAN mismatch: a certificate that does not name <service>.<namespace>.svc', async () => {
    const f = await start({
      servingCertificate: (ca) =>
        issueServerCertificate(ca, { dnsNames: ['metrics.example.com'], ipAddresses: ['127.0.0.1'] }),
    });
    const { report } = await f.doctor();
    expect(result(report, `apiservice/${CUSTOM}`).summary).toContain('FailedDiscoveryCheck');
    const san = result(report, `certificate/${CUSTOM}/san`);
    expect(san.status).toBe('problem');
    expect(san.summary).toContain('kubemetrics-apiserver.kubemetrics.svc');
    expect(san.evidence).toBe('SANs: DNS:metrics.example.com, IP Address:127.0.0.1');
    expect(san.fix).toContain(
      'kubemetrics apiserver certs --service kubemetrics-apiserver --namespace kubemetrics',
    );
  });

  it('expired certificate: a problem with the date', async () => {
    const f = await start({
      servingCertificate: (ca) =>
        issueServerCertificate(ca, { dnsNames: ['kubemetrics-apiserver.kubemetrics.svc'], notAfterDays: -3 }),
    });
    const { report } = await f.doctor();
    const e = result(report, `certificate/${CUSTOM}/expiry`);
    expect(e.status).toBe('problem');
    expect(e.summary).toContain('expired on');
    expect(result(report, `apiservice/${CUSTOM}`).cause).toContain('TLS certificate');
  });

  it('certificate expiring within 30 days: a warning with the days left', async () => {
    const f = await start({
      servingCertificate: (ca) =>
        issueServerCertificate(ca, { dnsNames: ['kubemetrics-apiserver.kubemetrics.svc'], notAfterDays: 10 }),
    });
    const { code, report } = await f.doctor();
    const e = result(report, `certificate/${CUSTOM}/expiry`);
    expect(e.status).toBe('warning');
    expect(e.summary).toMatch(/expires in (9|10) day\(s\)/);
    expect(report.problems).toBe(0);
    expect(code).toBe(0);
  });

  it('front-proxy CA missing from extension-apiserver-authentication', async () => {
    const f = await start();
    f.cluster.upsertConfigMap({
      metadata: { namespace: 'kube-system', name: 'extension-apiserver-authentication' },
      data: { 'client-ca-file': f.cluster.caPem ?? '' },
    });
    const { report } = await f.doctor();
    const c = result(report, 'front-proxy/configmap');
    expect(c.status).toBe('problem');
    expect(c.summary).toContain('no requestheader-client-ca-file');
    expect(c.evidence).toContain('keys: client-ca-file');
    expect(c.fix).toContain('--requestheader-client-ca-file');
  });

  it('missing RoleBinding to extension-apiserver-authentication-reader', async () => {
    const f = await start();
    f.cluster.deleteObject('RoleBinding', 'kube-system', 'kubemetrics-apiserver-auth-reader');
    const { report } = await f.doctor();
    const r = result(report, 'front-proxy/kubemetrics/kubemetrics-apiserver/auth-reader');
    expect(r.status).toBe('problem');
    expect(r.evidence).toContain(
      'get configmaps extension-apiserver-authentication in namespace kube-system -> denied',
    );
    expect(r.fix).toBe(
      'kubectl -n kube-system create rolebinding kubemetrics-apiserver-auth-reader --role=extension-apiserver-authentication-reader --serviceaccount=kubemetrics:kubemetrics-apiserver',
    );
  });

  it('missing system:auth-delegator binding', async () => {
    const f = await start();
    f.cluster.deleteObject('ClusterRoleBinding', '', 'kubemetrics-apiserver:system:auth-delegator');
    const { report } = await f.doctor();
    const r = result(report, 'front-proxy/kubemetrics/kubemetrics-apiserver/auth-delegator');
    expect(r.status).toBe('problem');
    expect(r.evidence).toContain('create tokenreviews.authentication.k8s.io -> denied');
    expect(r.fix).toContain(
      '--clusterrole=system:auth-delegator --serviceaccount=kubemetrics:kubemetrics-apiserver',
    );
  });

  it('HPA controller lacking RBAC: the bootstrap binding removed', async () => {
    const f = await start();
    f.cluster.deleteObject('ClusterRoleBinding', '', 'system:controller:horizontal-pod-autoscaler');
    f.cluster.deleteObject('ClusterRoleBinding', '', 'kubemetrics:hpa-custom-metrics-reader');
    const { report } = await f.doctor();
    for (const group of ['metrics', 'custom', 'external']) {
      const r = result(report, `rbac/hpa-controller/${group}`);
      expect(r.status, group).toBe('problem');
      expect(r.evidence).toContain('system:serviceaccount:kube-system:horizontal-pod-autoscaler');
      expect(r.fix).toContain('--serviceaccount=kube-system:horizontal-pod-autoscaler');
    }
    expect(result(report, 'rbac/hpa-controller/metrics').evidence).toContain(
      'list pods.metrics.k8s.io -> denied',
    );
  });

  it('group held by another adapter: external metrics registered by prometheus-adapter', async () => {
    const f = await start();
    f.apply({
      kind: 'Service',
      metadata: {
        name: 'prometheus-adapter',
        namespace: 'monitoring',
        labels: { 'app.kubernetes.io/name': 'prometheus-adapter' },
      },
      spec: { selector: { app: 'prometheus-adapter' }, ports: [{ name: 'https', port: 443 }] },
    });
    const a = apiService(f, 'v1beta1.external.metrics.k8s.io');
    f.apply({
      ...a,
      spec: { ...a.spec, service: { namespace: 'monitoring', name: 'prometheus-adapter', port: 443 } },
    });
    await f.cluster.syncAPIServices();
    const { report } = await f.doctor();
    const held = result(report, 'apiservice/v1beta1.external.metrics.k8s.io/held');
    expect(held.status).toBe('warning');
    expect(held.summary).toContain('held by prometheus-adapter');
    expect(held.summary).toContain('kubemetrics/kubemetrics-apiserver');
    expect(held.fix).toContain('deploy/metrics-apiserver/apiservice.yaml');
  });

  it('node without metrics (a problem) and a running pod without metrics (a warning)', async () => {
    const f = await start();
    const nodes = await listed<{ metadata: { name: string } }>(f, '/apis/metrics.k8s.io/v1beta1/nodes');
    const pods = await listed<{ metadata: { name: string; namespace: string } }>(
      f,
      '/apis/metrics.k8s.io/v1beta1/pods',
    );
    const [missingNode, ...keptNodes] = nodes;
    f.cluster.setNodeMetrics(keptNodes as never);
    const podOnKept = pods.find((p) => !p.metadata.name.startsWith('kubemetrics'))!;
    f.cluster.setPodMetrics(pods.filter((p) => p !== podOnKept) as never);
    const { report } = await f.doctor([], undefined);
    const n = result(report, 'resource-metrics/nodes');
    expect(n.status).toBe('problem');
    expect(n.summary).toContain(missingNode!.metadata.name);
    expect(n.fix).toContain('kubectl -n kube-system logs deploy/metrics-server');
    const p = result(report, 'resource-metrics/pods');
    expect(p.status).toBe('warning');
    expect(p.summary).toContain(`${podOnKept.metadata.namespace}/${podOnKept.metadata.name}`);
  });

  it('discovery failing through the API server while the APIService still says Available', async () => {
    const f = await start();
    await f.stopServer();
    const { report } = await f.doctor(['--check', 'discovery,apiservice']);
    expect(result(report, `apiservice/${CUSTOM}`).status).toBe('ok');
    const d = result(report, 'discovery/external.metrics.k8s.io/v1beta1');
    expect(d.status).toBe('problem');
    expect(d.evidence).toContain('HTTP 503');
    expect(d.cause).toContain('cannot reach the adapter behind APIService v1beta1.external.metrics.k8s.io');
  });

  it('no APIService for metrics.k8s.io: metrics-server is not installed', async () => {
    const f = await start();
    f.cluster.deleteObject('APIService', '', 'v1beta1.metrics.k8s.io');
    const { report } = await f.doctor(['--group', 'metrics', '--check', 'apiservice']);
    const r = result(report, 'apiservice/metrics.k8s.io');
    expect(r.status).toBe('problem');
    expect(r.fix).toContain('metrics-server');
    expect(report.checks.every((c) => c.name.startsWith('apiservice'))).toBe(true);
  });

  it('RBAC keeps this user from Secrets: the certificate is not-checked with the reason', async () => {
    const f = await start({
      users: [
        {
          name: 'viewer',
          allow: [
            {
              verbs: ['get', 'list'],
              groups: ['', 'apiregistration.k8s.io', 'discovery.k8s.io', 'metrics.k8s.io'],
              resources: ['services', 'pods', 'nodes', 'apiservices', 'endpointslices'],
            },
          ],
        },
      ],
    });
    const { report } = await f.doctor(['--check', 'certificate'], 'viewer');
    const c = result(report, `certificate/${CUSTOM}`);
    expect(c.status).toBe('not-checked');
    expect(c.summary).toContain(
      'RBAC does not let this user get resource "secrets" in API group "" in the namespace "kubemetrics"',
    );
  });
});

describe('kubemetrics doctor: HPAs, each metric fetched as the controller fetches it', () => {
  const withMetric = (f: DoctorFixture, metric: HorizontalPodAutoscaler['spec']['metrics']) => {
    const hpa = { ...f.hpa, spec: { ...f.hpa.spec, metrics: metric } };
    f.cluster.upsertObject('HorizontalPodAutoscaler', hpa);
    return `hpa/${hpa.metadata.namespace ?? ''}/${hpa.metadata.name ?? ''}`;
  };

  it('a misspelt Pods metric: not served, with the nearest name', async () => {
    const f = await start();
    const subject = withMetric(f, [
      {
        type: 'Pods',
        pods: {
          metric: { name: 'http_request_per_second' },
          target: { type: 'AverageValue', averageValue: '1' },
        },
      },
    ]);
    const { code, report } = await f.doctor(['--check', 'hpa']);
    const r = result(report, `${subject}/http_request_per_second`);
    expect(r.status).toBe('problem');
    expect(r.summary).toContain('is not served by the adapter');
    expect(r.fix).toContain('Did you mean "http_requests_per_second"');
    expect(code).toBe(1);
  });

  it('a metric that exists but not for the pods of the target: the selector', async () => {
    const f = await start();
    const hpa = {
      ...f.hpa,
      spec: {
        ...f.hpa.spec,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubemetrics-apiserver' },
      },
    };
    f.cluster.upsertObject('Deployment', {
      metadata: { name: 'kubemetrics-apiserver', namespace: hpa.metadata.namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'nothing-here' } },
        template: { metadata: { labels: { app: 'nothing-here' } }, spec: { containers: [] } },
      },
    });
    f.cluster.upsertObject('HorizontalPodAutoscaler', {
      ...hpa,
      spec: { ...hpa.spec, metrics: [hpa.spec.metrics![1]!] },
    });
    const { report } = await f.doctor(['--check', 'hpa']);
    const r = result(
      report,
      `hpa/${hpa.metadata.namespace ?? ''}/${hpa.metadata.name ?? ''}/http_requests_per_second`,
    );
    expect(r.status).toBe('problem');
    expect(r.cause).toContain('app=nothing-here');
  });

  it('two HPAs selecting the same pods: AmbiguousSelector, as the controller (hpa-fetch) sees it', async () => {
    // horizontal.go hpasControllingPodsUnderSelector: the controller refuses to scale either HPA.
    const f = await start();
    const twin = { ...f.hpa, metadata: { ...f.hpa.metadata, name: `${f.hpa.metadata.name ?? ''}-twin` } };
    f.cluster.upsertObject('HorizontalPodAutoscaler', twin);
    const { code, report } = await f.doctor(['--check', 'hpa']);
    for (const name of [f.hpa.metadata.name ?? '', twin.metadata.name]) {
      const r = result(report, `hpa/${f.hpa.metadata.namespace ?? ''}/${name}`);
      expect(r.status).toBe('problem');
      expect(r.summary).toContain('AmbiguousSelector');
      expect(r.cause).toContain('controlled by multiple HPAs');
    }
    expect(code).toBe(1);
  });

  it('an HPA whose target does not exist', async () => {
    const f = await start();
    const hpa = {
      ...f.hpa,
      spec: { ...f.hpa.spec, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone' } },
    };
    f.cluster.upsertObject('HorizontalPodAutoscaler', hpa);
    const { report } = await f.doctor(['--check', 'hpa']);
    const r = result(report, `hpa/${hpa.metadata.namespace ?? ''}/${hpa.metadata.name ?? ''}`);
    expect(r.status).toBe('problem');
    expect(r.summary).toContain('its target Deployment/gone does not exist');
  });
});

async function listed<T>(f: DoctorFixture, path: string): Promise<T[]> {
  const client = await MetricsClient.fromKubeConfig({ kubeconfig: f.cluster.kubeconfigPath });
  try {
    return (await client.getRaw<{ items: T[] }>(path)).items;
  } finally {
    await client.close();
  }
}
