/**
 * Our kubeconfig loader against kubectl's, on the same files:
 * - tricky multi-file fixtures (k8s.io/client-go tools/clientcmd/loader.go merge rules, relative
 *   paths resolved against the file that names them): `kubectl config view --minify --flatten`
 *   gives kubectl's merged answer for the current context, with file references inlined, and ours
 *   must pick the same context, cluster, user, namespace, server, CA, client certificate and token;
 * - end to end against the test cluster: the user the cluster sees for kubectl's request and for
 *   ours is the same, for token files, client certificate files and an exec plugin;
 * - the in-cluster service account (token re-read, ca.crt, an IPv6 KUBERNETES_SERVICE_HOST).
 * kubectl: $KUBECTL, else the first `kubectl` on PATH (test/helpers/peers.ts; Debian's in CI).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { loadKubeConfig, MetricsClient, type KubeConfig } from '../src/client/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';
import { runKubectl } from './helpers/kubectl.js';
import { KUBECTL, needPeer } from './helpers/peers.js';

const kubectlPeer = needPeer(KUBECTL);
const kubectl = kubectlPeer.path;
const root = mkdtempSync(path.join(tmpdir(), 'kubemetrics-kubectl-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** Writes files (objects as YAML) under a fresh directory; returns absolute paths by name. */
function files(spec: Record<string, unknown>): Record<string, string> {
  const base = path.join(root, `case-${++counter}`);
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(spec)) {
    const file = path.join(base, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : stringify(content));
    paths[name] = file;
  }
  return paths;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** What decides where and as whom requests go, from kubectl's flattened --minify JSON. */
interface Choice {
  context: string;
  cluster: string | undefined;
  user: string | undefined;
  namespace: string | undefined;
  server: string | undefined;
  ca: string | undefined;
  insecure: boolean | undefined;
  tlsServerName: string | undefined;
  token: string | undefined;
  cert: string | undefined;
  key: string | undefined;
}

type Named = { name: string; [key: string]: unknown };

async function kubectlChoice(kubeconfig: string, args: string[] = []): Promise<Choice> {
  const result = await runKubectl(
    kubectl!,
    ['config', 'view', '--minify', '--flatten', '-o', 'json', ...args],
    {
      home: root,
      kubeconfig,
    },
  );
  expect(result.stderr).toBe('');
  const doc = JSON.parse(result.stdout) as {
    'current-context': string;
    contexts: Named[];
    clusters?: Named[];
    users?: Named[];
  };
  const context = (doc.contexts[0]?.['context'] ?? {}) as Record<string, string>;
  const cluster = (doc.clusters?.[0]?.['cluster'] ?? {}) as Record<string, unknown>;
  const user = (doc.users?.[0]?.['user'] ?? {}) as Record<string, string>;
  return {
    context: doc['current-context'],
    cluster: context['cluster'],
    // --minify writes an absent user as "".
    user: context['user'] || undefined,
    namespace: context['namespace'],
    server: cluster['server'] as string | undefined,
    ca: cluster['certificate-authority-data'] as string | undefined,
    insecure: cluster['insecure-skip-tls-verify'] as boolean | undefined,
    tlsServerName: cluster['tls-server-name'] as string | undefined,
    token: user['token'],
    cert: user['client-certificate-data'],
    key: user['client-key-data'],
  };
}

function ourChoice(kc: KubeConfig): Choice {
  const context = kc.getContextObject(kc.getCurrentContext())!;
  const cluster = kc.getCluster(context.cluster);
  const user = context.user === undefined ? null : kc.getUser(context.user);
  const data = (inline: string | undefined, file: string | undefined): string | undefined =>
    inline ?? (file === undefined ? undefined : readFileSync(file).toString('base64'));
  return {
    context: context.name,
    cluster: context.cluster,
    user: context.user,
    namespace: context.namespace,
    server: cluster?.server,
    ca: data(cluster?.caData, cluster?.caFile),
    insecure: cluster?.skipTLSVerify,
    tlsServerName: cluster?.tlsServerName,
    token: user?.token,
    cert: data(user?.certData, user?.certFile),
    key: data(user?.keyData, user?.keyFile),
  };
}

interface Case {
  name: string;
  files: Record<string, unknown>;
  /** KUBECONFIG entries by file name (a name not in `files` is a missing file). */
  list: string[];
  context?: string;
  /** Expected values (also checked against kubectl, so a wrong expectation shows twice). */
  expect: Partial<Choice>;
}

const cluster = (name: string, fields: Record<string, unknown>) => ({ name, cluster: fields });
const user = (name: string, fields: Record<string, unknown>) => ({ name, user: fields });
const context = (name: string, fields: Record<string, unknown>) => ({ name, context: fields });

const cases: Case[] = [
  {
    name: 'the first file to define a name wins the whole entry (no field-by-field merge)',
    files: {
      'one/a': {
        'current-context': 'x',
        clusters: [cluster('c', { server: 'https://first:6443' })],
        users: [user('u', { token: 'first-token' })],
        contexts: [context('x', { cluster: 'c', user: 'u' })],
      },
      'two/b': {
        clusters: [
          cluster('c', { server: 'https://second:6443', 'certificate-authority-data': b64('CA-2') }),
        ],
        users: [
          user('u', {
            token: 'second-token',
            'client-certificate-data': b64('C'),
            'client-key-data': b64('K'),
          }),
        ],
        contexts: [context('x', { cluster: 'c', user: 'u', namespace: 'from-second' })],
      },
    },
    list: ['one/a', 'two/b'],
    expect: { server: 'https://first:6443', token: 'first-token', ca: undefined, namespace: undefined },
  },
  {
    name: 'the first non-empty current-context wins; entries come from any file',
    files: {
      a: { 'current-context': '', users: [user('u', { token: 'a-token' })] },
      b: {
        'current-context': 'ctx-y',
        clusters: [cluster('c', { server: 'https://b:6443', 'insecure-skip-tls-verify': true })],
        contexts: [context('ctx-y', { cluster: 'c', user: 'u', namespace: 'ns-b' })],
      },
      c: { 'current-context': 'z', contexts: [context('z', { cluster: 'c', user: 'u' })] },
    },
    list: ['a', 'b', 'c'],
    expect: { context: 'ctx-y', namespace: 'ns-b', token: 'a-token', insecure: true },
  },
  {
    name: 'relative CA, certificate and key paths resolve against the file that names them',
    files: {
      'one/ca.pem': 'CA-ONE',
      'two/ca.pem': 'CA-TWO',
      'one/certs/me.crt': 'CERT-ONE',
      'two/certs/me.crt': 'CERT-TWO',
      'two/certs/me.key': 'KEY-TWO',
      'one/a': {
        clusters: [cluster('c', { server: 'https://one:6443', 'certificate-authority': 'ca.pem' })],
      },
      'two/b': {
        'current-context': 'x',
        users: [user('u', { 'client-certificate': 'certs/me.crt', 'client-key': './certs/me.key' })],
        contexts: [context('x', { cluster: 'c', user: 'u' })],
      },
    },
    list: ['one/a', 'two/b'],
    expect: { ca: b64('CA-ONE'), cert: b64('CERT-TWO'), key: b64('KEY-TWO') },
  },
  {
    name: '--context picks a context of a later file, with its namespace and tls-server-name cluster',
    files: {
      a: {
        'current-context': 'x',
        clusters: [cluster('c', { server: 'https://a:6443' })],
        contexts: [context('x', { cluster: 'c' })],
      },
      b: {
        clusters: [
          cluster('d', { server: 'https://10.0.0.1:6443', 'tls-server-name': 'kubernetes.default' }),
        ],
        users: [user('v', { token: 'v-token' })],
        contexts: [context('other', { cluster: 'd', user: 'v', namespace: 'team' })],
      },
    },
    list: ['a', 'b'],
    context: 'other',
    expect: {
      context: 'other',
      server: 'https://10.0.0.1:6443',
      tlsServerName: 'kubernetes.default',
      token: 'v-token',
    },
  },
  {
    name: 'missing files are skipped and a file listed twice counts once',
    files: {
      a: {
        'current-context': 'x',
        clusters: [cluster('c', { server: 'https://a:6443' })],
        users: [user('u', { token: 'a-token' })],
        contexts: [context('x', { cluster: 'c', user: 'u', namespace: 'ns-a' })],
      },
      b: { 'current-context': 'x', contexts: [context('x', { cluster: 'c', user: 'u', namespace: 'ns-b' })] },
    },
    list: ['missing', 'a', 'b', 'a'],
    expect: { namespace: 'ns-a', token: 'a-token' },
  },
];

kubectlPeer.describe('kubeconfig loading: ours against kubectl config view', () => {
  it.each(cases)('$name', async (c) => {
    const paths = files(c.files);
    const list = c.list
      .map((name) => paths[name] ?? path.join(root, `missing-${counter}`))
      .join(path.delimiter);
    const theirs = await kubectlChoice(list, c.context === undefined ? [] : ['--context', c.context]);
    const ours = ourChoice(loadKubeConfig({ env: { KUBECONFIG: list, HOME: root }, context: c.context }));
    expect(theirs).toMatchObject(c.expect);
    expect(ours).toEqual(theirs);
  });

  it('--kubeconfig reads only that file, whatever KUBECONFIG says', async () => {
    const paths = files({
      a: {
        'current-context': 'x',
        clusters: [cluster('c', { server: 'https://a:6443' })],
        contexts: [context('x', { cluster: 'c' })],
      },
      b: {
        'current-context': 'ctx-y',
        clusters: [cluster('c', { server: 'https://b:6443' })],
        contexts: [context('ctx-y', { cluster: 'c' })],
      },
    });
    const theirs = await kubectlChoice(paths['a']!, ['--kubeconfig', paths['b']!]);
    const ours = ourChoice(
      loadKubeConfig({ kubeconfig: paths['b']!, env: { KUBECONFIG: paths['a']!, HOME: root } }),
    );
    expect(theirs.server).toBe('https://b:6443');
    expect(ours).toEqual(theirs);
  });
});

kubectlPeer.describe('end to end: the test cluster sees the same user for kubectl and for us', () => {
  let testCluster: TestCluster;
  beforeAll(async () => {
    testCluster = await startTestCluster({
      ...buildCluster({ nodes: 1, podsPerNode: 1, seed: 3 }),
      users: [
        { name: 'admin', groups: ['system:masters'], token: 'admin-token' },
        { name: 'viewer', token: 'viewer-token' },
        { name: 'cert-user', clientCert: true },
      ],
    });
  });
  afterAll(() => testCluster.stop());

  /** The user the cluster authenticated for kubectl's request and for ours, in that order. */
  async function usersSeen(kubeconfigList: string): Promise<[string | undefined, string | undefined]> {
    testCluster.resetRequestLog();
    const theirs = await runKubectl(kubectl!, ['get', '--raw', '/api/v1/nodes'], {
      home: root,
      kubeconfig: kubeconfigList,
    });
    expect(theirs.stderr).toBe('');
    const kubectlUser = testCluster.requests.find((r) => r.url.startsWith('/api/v1/nodes'))?.user;
    testCluster.resetRequestLog();
    const ours = await cli(['top', 'nodes'], { KUBECONFIG: kubeconfigList, HOME: root });
    expect(ours.stderr).toBe('');
    const ourUser = testCluster.requests.find((r) => r.url.startsWith('/api/v1/nodes'))?.user;
    return [kubectlUser, ourUser];
  }

  it('tokenFile relative to its own file beats the inline token and a later file', async () => {
    const paths = files({
      'one/tok': 'viewer-token\n',
      'two/tok': 'admin-token\n',
      'two/ca.crt': testCluster.caPem!,
      'one/a': { users: [user('u', { tokenFile: 'tok', token: 'admin-token' })] },
      'two/b': {
        'current-context': 'x',
        clusters: [cluster('c', { server: testCluster.url, 'certificate-authority': 'ca.crt' })],
        users: [user('u', { tokenFile: 'tok' })],
        contexts: [context('x', { cluster: 'c', user: 'u' })],
      },
    });
    expect(await usersSeen([paths['one/a'], paths['two/b']].join(path.delimiter))).toEqual([
      'viewer',
      'viewer',
    ]);
  });

  it('client certificate and key files', async () => {
    const creds = testCluster.credentials('cert-user');
    const paths = files({
      'pki/me.crt': creds.certPem!,
      'pki/me.key': creds.keyPem!,
      'ca.crt': testCluster.caPem!,
      kc: {
        'current-context': 'x',
        clusters: [cluster('c', { server: testCluster.url, 'certificate-authority': 'ca.crt' })],
        users: [user('u', { 'client-certificate': 'pki/me.crt', 'client-key': 'pki/me.key' })],
        contexts: [context('x', { cluster: 'c', user: 'u' })],
      },
    });
    expect(await usersSeen(paths['kc']!)).toEqual(['cert-user', 'cert-user']);
  });

  it('an exec plugin (v1, env, provideClusterInfo, interactiveMode Never)', async () => {
    const infoLog = path.join(root, `exec-info-${++counter}.jsonl`);
    const paths = files({
      // A plugin a relative command path points at; it answers with the token from its env
      // only when KUBERNETES_EXEC_INFO carries the cluster it was promised.
      'bin/plugin.mjs': [
        '#!/usr/bin/env node',
        "import { appendFileSync } from 'node:fs';",
        "const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO ?? '{}');",
        `appendFileSync(${JSON.stringify(infoLog)}, JSON.stringify(info) + '\\n');`,
        `if (info.spec?.cluster?.server !== ${JSON.stringify(testCluster.url)}) { console.error('no cluster info'); process.exit(3); }`,
        "console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',",
        '  status: { token: process.env.PLUGIN_TOKEN } }));',
      ].join('\n'),
      'ca.crt': testCluster.caPem!,
      kc: {
        'current-context': 'x',
        clusters: [cluster('c', { server: testCluster.url, 'certificate-authority': 'ca.crt' })],
        users: [
          user('u', {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: process.execPath,
              args: [path.join(root, `case-${counter + 1}`, 'bin/plugin.mjs')],
              env: [{ name: 'PLUGIN_TOKEN', value: 'viewer-token' }],
              provideClusterInfo: true,
              interactiveMode: 'Never',
            },
          }),
        ],
        contexts: [context('x', { cluster: 'c', user: 'u' })],
      },
    });
    chmodSync(paths['bin/plugin.mjs']!, 0o755);
    expect(await usersSeen(paths['kc']!)).toEqual(['viewer', 'viewer']);
    const infos = readFileSync(infoLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { spec: { interactive: boolean; cluster: Record<string, unknown> } });
    // kubectl's KUBERNETES_EXEC_INFO and ours carry the same cluster (CA read from the file).
    expect(infos).toHaveLength(2);
    expect(infos[1]).toEqual(infos[0]);
    expect(infos[0]!.spec.interactive).toBe(false);
    expect(infos[0]!.spec.cluster['certificate-authority-data']).toBe(b64(testCluster.caPem!));
  });
});

describe('in-cluster service account', () => {
  let v6: TestCluster;
  beforeAll(async () => {
    v6 = await startTestCluster({
      ...buildCluster({ nodes: 1, podsPerNode: 1, seed: 5 }),
      host: '::1',
      users: [
        { name: 'system:serviceaccount:monitoring:kubemetrics', groups: ['system:masters'], token: 'sa-1' },
        { name: 'rotated', groups: ['system:masters'], token: 'sa-2' },
      ],
    });
  });
  afterAll(() => v6.stop());

  it('talks to an IPv6 KUBERNETES_SERVICE_HOST with the token (re-read after a minute) and ca.crt, namespace from the file', async () => {
    const paths = files({ 'sa/token': 'sa-1\n', 'sa/ca.crt': v6.caPem!, 'sa/namespace': 'monitoring' });
    const port = new URL(v6.url).port;
    const client = await MetricsClient.fromKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: port, HOME: root },
      serviceAccountDir: path.dirname(paths['sa/token']!),
    });
    try {
      expect(client.context.server).toBe(`https://[::1]:${port}`);
      expect(client.namespace).toBe('monitoring');
      v6.resetRequestLog();
      await client.transport.getJSON({ path: '/api/v1/nodes' });
      // The kubelet rotates the projected token; client-go re-reads it after a minute.
      writeFileSync(paths['sa/token']!, 'sa-2\n');
      await client.transport.getJSON({ path: '/api/v1/nodes' });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 61_000);
      await client.transport.getJSON({ path: '/api/v1/nodes' });
      expect(v6.requests.map((r) => r.user)).toEqual([
        'system:serviceaccount:monitoring:kubemetrics',
        'system:serviceaccount:monitoring:kubemetrics',
        'rotated',
      ]);
    } finally {
      vi.useRealTimers();
      await client.close();
    }
  });
});
