/**
 * deploy/report-service and the Dockerfile: structural checks (least-privilege RBAC, non-root,
 * read-only root filesystem, probes on the health routes, the Service reaching the container
 * port, args the CLI accepts), then `kubectl apply --dry-run=client` against a test cluster
 * (needs kubectl: test/helpers/peers.ts).
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
   parsed YAML is untyped on purpose: these tests are the shape check. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseServeOptions } from '../src/cli/commands/serve.js';
import { startTestCluster, type TestCluster } from '../src/testing/index.js';
import { declareManifestKinds } from './helpers/manifest-kinds.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const DIR = 'deploy/report-service';
const kubectl = needPeer(KUBECTL);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

const manifests: Manifest[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
      expect(doc.errors, file).toEqual([]);
      return doc.toJS() as Manifest;
    }),
  );
const one = (kind: string): Manifest => {
  const found = manifests.filter((m) => m['kind'] === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

describe('deploy/report-service manifests', () => {
  it('has exactly the expected objects, all in one namespace', () => {
    expect(manifests.map((m) => m['kind']).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Namespace', 'Service', 'ServiceAccount'].sort(),
    );
    const ns = one('Namespace')['metadata'].name;
    for (const m of manifests.filter(
      (m) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(m['kind']),
    ))
      expect(m['metadata'].namespace, m['kind']).toBe(ns);
  });

  it('grants only reads: nodes, pods, metrics.k8s.io, and what the HPA replay reads, to the ServiceAccount only', () => {
    const role = one('ClusterRole');
    expect(role['rules']).toEqual([
      { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['metrics.k8s.io'], resources: ['nodes', 'pods'], verbs: ['get', 'list'] },
      {
        apiGroups: ['autoscaling'],
        resources: ['horizontalpodautoscalers'],
        verbs: ['get', 'list', 'watch'],
      },
      {
        apiGroups: ['apps'],
        resources: ['deployments/scale', 'replicasets/scale', 'statefulsets/scale'],
        verbs: ['get'],
      },
      { apiGroups: [''], resources: ['replicationcontrollers/scale'], verbs: ['get'] },
      {
        apiGroups: ['custom.metrics.k8s.io', 'external.metrics.k8s.io'],
        resources: ['*'],
        verbs: ['get', 'list'],
      },
    ]);
    const binding = one('ClusterRoleBinding');
    const account = one('ServiceAccount');
    expect(binding['roleRef']).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role['metadata'].name,
    });
    expect(binding['subjects']).toEqual([
      { kind: 'ServiceAccount', name: account['metadata'].name, namespace: account['metadata'].namespace },
    ]);
    // No wildcard but the metric names of the custom/external metrics groups, which are resources
    // there and cannot be listed in advance (the HPA controller's bootstrap role does the same).
    const rules = role['rules'] as { apiGroups: string[]; resources: string[] }[];
    const metricsRules = rules.filter((r) => r.apiGroups.every((g) => g.endsWith('metrics.k8s.io')));
    const text = JSON.stringify(
      manifests.map((m) =>
        m === role ? { ...m, rules: rules.filter((r) => !metricsRules.includes(r)) } : m,
      ),
    );
    expect(text).not.toMatch(/system:anonymous|system:unauthenticated|"\*"/);
    expect(JSON.stringify(metricsRules.map((r) => r.apiGroups))).not.toContain('*');
  });

  it('runs the container non-root, read-only, with resources and probes on /healthz and /readyz', () => {
    const deployment = one('Deployment');
    const pod = deployment['spec'].template.spec;
    expect(pod.serviceAccountName).toBe(one('ServiceAccount')['metadata'].name);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.containers).toHaveLength(1);
    const container = pod.containers[0];
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // Liveness only for a wedged process: at least 30 s of failed probes before a restart (issue 11).
    expect(
      container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold,
    ).toBeGreaterThanOrEqual(30);
    expect(container.livenessProbe.timeoutSeconds).toBeGreaterThanOrEqual(2);
    // The args are ones `kubemetrics serve` accepts, and it listens on the declared port.
    expect(container.args[0]).toBe('serve');
    const options = parseServeOptions(container.args.slice(1), { KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: options.port, protocol: 'TCP' }]);
    const service = one('Service');
    expect(service['spec'].selector).toEqual(deployment['spec'].selector.matchLabels);
    expect(deployment['spec'].template.metadata.labels).toMatchObject(
      deployment['spec'].selector.matchLabels,
    );
    expect(service['spec'].ports[0].targetPort).toBe('http');
  });
});

describe('Dockerfile', () => {
  const text = readFileSync('Dockerfile', 'utf8');
  const instructions = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => line.trim());

  it('builds in one stage and runs a small non-root image with only dist and production modules', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms).toHaveLength(2);
    expect(froms[0]).toMatch(/^FROM node:20\S* AS build$/);
    expect(froms[1]).toMatch(/distroless\/nodejs20\S*:nonroot$/);
    const user = instructions.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
    expect(instructions).toContain('RUN npm run build && npm prune --omit=dev --ignore-scripts');
    const runtime = instructions.slice(instructions.indexOf(froms[1]!));
    expect(runtime.filter((l) => l.startsWith('COPY')).every((l) => l.startsWith('COPY --from=build'))).toBe(
      true,
    );
    expect(runtime.some((l) => l.startsWith('RUN'))).toBe(false);
    expect(text).toContain('"/app/dist/cli/main.js"');
    const ignore = readFileSync('.dockerignore', 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignore).toContain(entry);
  });
});

kubectl.describe('kubectl apply --dry-run=client', () => {
  let cluster: TestCluster;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubemetrics-report-deploy-'));
    cluster = await startTestCluster({});
    declareManifestKinds(cluster);
  });
  afterAll(async () => {
    await cluster.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it(`creates every object of ${DIR}`, async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        kubectl.path!,
        ['apply', '--dry-run=client', '--validate=false', '-f', DIR],
        { env: { HOME: home, KUBECONFIG: cluster.kubeconfigPath, PATH: '/usr/bin:/bin' }, timeout: 20_000 },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
      );
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const created = result.stdout.trim().split('\n');
    expect(created).toHaveLength(manifests.length);
    for (const line of created) expect(line).toMatch(/ (created|configured|unchanged) \(dry run\)$/);
  });
});
