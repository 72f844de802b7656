/**
 * deploy/metrics-apiserver: structural checks of the manifests (what an aggregated API server
 * needs: 2 replicas and a PodDisruptionBudget, HTTPS probes, non-root with a read-only root
 * filesystem, an APIService per served group/version with a caBundle, the RBAC of delegated
 * auth), the example config validated by the server's own parser, then the real kubectl:
 * `kubectl apply --dry-run=client --validate=false -f deploy/metrics-apiserver` against a test
 * cluster that lists the kinds in discovery, and `kubectl kustomize` filling the caBundle from
 * `kubemetrics apiserver certs` output.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseServerConfig } from '../src/apiserver/index.js';
import { parseMetricsFile } from '../src/providers/memory/index.js';
import { startTestCluster } from '../src/testing/index.js';
import type { TestCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';
import { declareManifestKinds } from './helpers/manifest-kinds.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const DIR = 'deploy/metrics-apiserver';
const kubectl = needPeer(KUBECTL);

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   manifests are untyped YAML: the assertions below are what checks their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as Manifest;
  }),
);
const find = (kind: string, name?: string): Manifest[] =>
  manifests.filter((m) => m['kind'] === kind && (name === undefined || m['metadata']?.name === name));
const one = (kind: string, name?: string): Manifest => {
  const found = find(kind, name);
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0] ?? {};
};

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      kubectl.path!,
      args,
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
          stdout,
          stderr,
        }),
    );
  });
}

describe(`${DIR}: structure`, () => {
  it('every object has apiVersion, kind and a name; namespaced ones sit in kubemetrics (or kube-system)', () => {
    for (const m of manifests) {
      expect(m['apiVersion'], JSON.stringify(m).slice(0, 80)).toBeTypeOf('string');
      expect(m['metadata']?.name).toBeTypeOf('string');
      if (['Deployment', 'Service', 'ConfigMap', 'ServiceAccount', 'PodDisruptionBudget'].includes(m['kind']))
        expect(m['metadata'].namespace).toBe('kubemetrics');
    }
  });

  it('Deployment: 2 replicas, HTTPS probes on /livez and /readyz, non-root, read-only root, resources', () => {
    const deployment = one('Deployment', 'kubemetrics-apiserver');
    expect(deployment['spec'].replicas).toBe(2);
    const pod = deployment['spec'].template.spec;
    expect(pod.serviceAccountName).toBe('kubemetrics-apiserver');
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [container] = pod.containers as Manifest[];
    expect(container?.['livenessProbe'].httpGet).toMatchObject({ path: '/livez', scheme: 'HTTPS' });
    expect(container?.['readinessProbe'].httpGet).toMatchObject({ path: '/readyz', scheme: 'HTTPS' });
    // Liveness only for a wedged process: at least 30 s of failed probes before a restart, each
    // allowed more than the 1 s default (issue 11).
    const liveness = container?.['livenessProbe'] as Record<string, number>;
    expect((liveness['periodSeconds'] ?? 10) * (liveness['failureThreshold'] ?? 3)).toBeGreaterThanOrEqual(
      30,
    );
    expect(liveness['timeoutSeconds']).toBeGreaterThanOrEqual(2);
    expect(container?.['readinessProbe'].timeoutSeconds).toBeGreaterThanOrEqual(2);
    expect(container?.['securityContext']).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container?.['resources'].requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container?.['resources'].limits.memory).toBeTypeOf('string');
    const secret = (pod.volumes as Manifest[]).find((v) => v['secret'] !== undefined);
    expect(secret?.['secret'].secretName).toBe('kubemetrics-apiserver-tls');
    const pdb = one('PodDisruptionBudget', 'kubemetrics-apiserver');
    expect(pdb['apiVersion']).toBe('policy/v1');
    expect(pdb['spec'].minAvailable).toBe(1);
    expect(pdb['spec'].selector.matchLabels).toEqual(deployment['spec'].selector.matchLabels);
    const service = one('Service', 'kubemetrics-apiserver');
    expect(service['spec'].selector).toEqual(deployment['spec'].selector.matchLabels);
    expect(service['spec'].ports[0]).toMatchObject({ port: 443, targetPort: container?.['ports'][0].name });
  });

  it('one APIService per served group/version, pointing at the Service, with a caBundle and never insecureSkipTLSVerify', () => {
    const services = find('APIService');
    expect(services.map((s) => s['metadata'].name).sort()).toEqual([
      'v1beta1.custom.metrics.k8s.io',
      'v1beta1.external.metrics.k8s.io',
      'v1beta1.metrics.k8s.io',
      'v1beta2.custom.metrics.k8s.io',
    ]);
    for (const s of services) {
      expect(s['apiVersion']).toBe('apiregistration.k8s.io/v1');
      expect(s['metadata'].name).toBe(`${s['spec'].version}.${s['spec'].group}`);
      expect(s['spec'].service).toEqual({
        name: 'kubemetrics-apiserver',
        namespace: 'kubemetrics',
        port: 443,
      });
      expect(s['spec'].caBundle).toMatch(/^[A-Za-z0-9+/=]+$/);
      expect(s['spec'].insecureSkipTLSVerify).toBeUndefined();
    }
  });

  it('RBAC: auth-delegator, the authentication ConfigMap reader, informer reads, HPA access to custom and external metrics', () => {
    const subject = { kind: 'ServiceAccount', name: 'kubemetrics-apiserver', namespace: 'kubemetrics' };
    const delegator = find('ClusterRoleBinding').find((b) => b['roleRef'].name === 'system:auth-delegator');
    expect(delegator?.['subjects']).toEqual([subject]);
    const reader = one('RoleBinding', 'kubemetrics-apiserver-auth-reader');
    expect(reader['metadata'].namespace).toBe('kube-system');
    expect(reader['roleRef']).toMatchObject({
      kind: 'Role',
      name: 'extension-apiserver-authentication-reader',
    });
    expect(reader['subjects']).toEqual([subject]);
    const objects = one('ClusterRole', 'kubemetrics-apiserver:object-reader');
    expect(objects['rules'][0]).toMatchObject({ resources: expect.arrayContaining(['pods', 'namespaces']) });
    expect(objects['rules'][0].verbs).toEqual(['get', 'list', 'watch']);
    const hpa = find('ClusterRoleBinding').find((b) =>
      (b['subjects'] as Manifest[]).some(
        (s) => s['name'] === 'horizontal-pod-autoscaler' && s['namespace'] === 'kube-system',
      ),
    );
    const role = one('ClusterRole', hpa?.['roleRef'].name as string);
    expect(role['rules'][0].apiGroups).toEqual(['custom.metrics.k8s.io', 'external.metrics.k8s.io']);
  });

  it("the example config and metrics file pass the server's own validation", () => {
    const configMap = one('ConfigMap', 'kubemetrics-apiserver');
    const memory = {
      apis: ['custom', 'external', 'resource'] as const,
      fields: ['file'],
      validate: () => ({}),
    };
    const { problems, config } = parseServerConfig(parse(configMap['data']['apiserver.yaml'] as string), {
      memory,
    });
    expect(problems).toEqual([]);
    expect(config?.tls.certFile).toBe('/var/run/kubemetrics/tls/tls.crt');
    expect(config?.authorization.mode).toBe('Webhook');
    expect(() => parseMetricsFile(configMap['data']['metrics.yaml'] as string, 'metrics.yaml')).not.toThrow();
  });
});

kubectl.describe(`${DIR}: kubectl`, () => {
  let cluster: TestCluster;
  let home = '';

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubemetrics-deploy-'));
    cluster = await startTestCluster({});
    declareManifestKinds(cluster);
  });

  afterAll(async () => {
    await cluster.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('kubectl apply --dry-run=client --validate=false -f deploy/metrics-apiserver creates every object', async () => {
    const result = await run(['apply', '--dry-run=client', '--validate=false', '-f', DIR], {
      HOME: home,
      KUBECONFIG: cluster.kubeconfigPath,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const created = result.stdout.trim().split('\n');
    expect(created).toHaveLength(manifests.length);
    for (const line of created) expect(line).toMatch(/ created \(dry run\)$/);
  });

  it('kubectl kustomize fills every caBundle from `kubemetrics apiserver certs` and adds the TLS Secret', async () => {
    const copy = join(home, 'deploy');
    cpSync(DIR, copy, { recursive: true });
    expect((await cli(['apiserver', 'certs', '--out', join(copy, 'certs')])).code).toBe(0);
    const result = await run(['kustomize', copy], { HOME: home });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const rendered = parseAllDocuments(result.stdout).map((d) => d.toJS() as Manifest);
    const bundle = Buffer.from(readFileSync(join(copy, 'certs', 'ca.crt'))).toString('base64');
    const apiServices = rendered.filter((m) => m['kind'] === 'APIService');
    expect(apiServices).toHaveLength(4);
    for (const s of apiServices) expect(s['spec'].caBundle).toBe(bundle);
    expect(rendered.find((m) => m['kind'] === 'Secret')?.['type']).toBe('kubernetes.io/tls');
    expect(rendered.filter((m) => m['kind'] === 'ConfigMap').map((m) => m['metadata'].name)).toEqual([
      'kubemetrics-apiserver',
    ]);
  });
});
