/**
 * The kubeconfig flags kubectl users type (k8s.io/client-go tools/clientcmd overrides.go), on a
 * cluster command against the test cluster: --server, --token, --certificate-authority,
 * --insecure-skip-tls-verify, --user, --cluster, --as/--as-group (the test cluster authorizes by
 * the impersonation headers as kube-apiserver's impersonation filter does), -n defaulting to the
 * context's namespace, -v=6 request logging, and --request-timeout bounding connect + TLS handshake
 * (the built binary, against a server that accepts and never answers).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { assertBinaryBuilt, cli, finished, startBinary } from './helpers/cli.js';

const fixture = buildCluster({ nodes: 2, podsPerNode: 3, seed: 4 });
const root = mkdtempSync(path.join(tmpdir(), 'kubemetrics-cli-flags-'));
let cluster: TestCluster;
let caFile: string;
/** A kubeconfig with a dead cluster and the real one, a viewer and the admin; context uses the dead/viewer pair. */
let kubeconfig: string;
/** Environment without any kubeconfig: only the flags say where the cluster is. */
const noConfig = { HOME: root, KUBECONFIG: path.join(root, 'missing') };

beforeAll(async () => {
  cluster = await startTestCluster({
    ...fixture,
    users: [
      { name: 'admin', groups: ['system:masters'], token: 'admin-token' },
      { name: 'viewer', token: 'viewer-token', allow: [] },
    ],
  });
  caFile = path.join(root, 'ca.crt');
  writeFileSync(caFile, cluster.caPem!);
  const namespace = fixture.pods[0]!.metadata.namespace!;
  kubeconfig = path.join(root, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'main',
      clusters: [
        { name: 'dead', cluster: { server: 'https://127.0.0.1:1', 'certificate-authority': caFile } },
        { name: 'real', cluster: { server: cluster.url, 'certificate-authority': caFile } },
      ],
      users: [
        { name: 'viewer', user: { token: 'viewer-token' } },
        { name: 'admin', user: { token: 'admin-token' } },
      ],
      contexts: [
        { name: 'main', context: { cluster: 'real', user: 'viewer', namespace } },
        { name: 'dead', context: { cluster: 'dead', user: 'admin' } },
      ],
    }),
  );
});

afterAll(async () => {
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
});

/** `kubemetrics top nodes --kubeconfig <the test kubeconfig> ...flags`, in-process. */
const topNodes = (...flags: string[]) => cli(['top', 'nodes', '--kubeconfig', kubeconfig, ...flags]);

/** Users the test cluster served `top nodes`' node list to, since the last call. */
function nodeListUsers(): (string | undefined)[] {
  const users = cluster.requests.filter((r) => r.url.startsWith('/api/v1/nodes')).map((r) => r.user);
  cluster.resetRequestLog();
  return users;
}

describe('kubectl override flags on a cluster command', () => {
  beforeEach(() => cluster.resetRequestLog());

  it('--server, --token and --certificate-authority reach the cluster without any kubeconfig', async () => {
    const result = await cli(
      ['top', 'nodes', '--server', cluster.url, '--token', 'admin-token', '--certificate-authority', caFile],
      noConfig,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(fixture.nodes[0]!.metadata.name);
    expect(nodeListUsers()).toEqual(['admin']);
  });

  it('without a CA the server certificate is refused; --insecure-skip-tls-verify accepts it', async () => {
    const refused = await cli(['top', 'nodes', '--server', cluster.url, '--token', 'admin-token'], noConfig);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/TLS handshake with .* failed/);
    const insecure = await cli(
      ['top', 'nodes', '--server', cluster.url, '--token', 'admin-token', '--insecure-skip-tls-verify'],
      noConfig,
    );
    expect(insecure.code).toBe(0);
  });

  it('--token replaces the kubeconfig user token; a wrong one is a 401', async () => {
    expect((await topNodes('--token', 'admin-token')).code).toBe(0);
    expect(nodeListUsers()).toEqual(['admin']);
    const wrong = await topNodes('--token', 'nope');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('401');
  });

  it('--user picks another kubeconfig user for the context (viewer may not list nodes, admin may)', async () => {
    const viewer = await topNodes();
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toContain('User "viewer" cannot list resource "nodes"');
    expect((await topNodes('--user', 'admin')).code).toBe(0);
    expect(nodeListUsers()).toEqual(['viewer', 'admin']);
  });

  it('--cluster picks another kubeconfig cluster for the context', async () => {
    const dead = await topNodes('--context', 'dead', '--request-timeout', '5s');
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain('127.0.0.1:1');
    const real = await topNodes('--context', 'dead', '--cluster', 'real');
    expect(real.code).toBe(0);
  });

  it('an unknown --user or --cluster is an error listing the known ones', async () => {
    const user = await topNodes('--user', 'ghost');
    expect(user.code).toBe(1);
    expect(user.stderr).toContain('--user "ghost" is not a user of the kubeconfig; users: viewer, admin');
    const clusterFlag = await topNodes('--cluster', 'ghost');
    expect(clusterFlag.stderr).toContain('clusters: dead, real');
  });

  it('--as impersonates a user; the cluster serves the request as that user', async () => {
    const result = await topNodes('--user', 'admin', '--as', 'viewer');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('User "viewer" cannot list resource "nodes"');
    expect(nodeListUsers()).toEqual(['viewer']);
  });

  it('--as-group is sent once per group (a joined header would name no real group)', async () => {
    const result = await topNodes(
      '--user',
      'admin',
      '--as',
      'someone',
      '--as-group',
      'team-a',
      '--as-group',
      'system:masters',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(nodeListUsers()).toEqual(['someone']);
  });

  it('impersonating without the right to is a 403 naming impersonate', async () => {
    const result = await topNodes('--as', 'admin');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('User "viewer" cannot impersonate resource "users"');
  });

  it('--as-group without --as is a usage error (exit 2)', async () => {
    const result = await topNodes('--as-group', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--as-group needs --as');
  });

  it("-n defaults to the context's namespace; the flag overrides it", async () => {
    const namespace = fixture.pods[0]!.metadata.namespace!;
    cluster.resetRequestLog();
    const result = await cli(['top', 'pods', '--kubeconfig', kubeconfig, '--user', 'admin']);
    expect(result.code).toBe(0);
    expect(cluster.requests.some((r) => r.url.includes(`/namespaces/${namespace}/pods`))).toBe(true);
    cluster.resetRequestLog();
    await cli(['top', 'pods', '--kubeconfig', kubeconfig, '--user', 'admin', '-n', 'kube-system']);
    expect(cluster.requests.some((r) => r.url.includes('/namespaces/kube-system/pods'))).toBe(true);
    expect(cluster.requests.some((r) => r.url.includes(`/namespaces/${namespace}/`))).toBe(false);
  });
});

describe('-v / --v request logging', () => {
  it.each([['-v=6'], ['--v=6'], ['-v', '7']])(
    '%s logs one line per request like kubectl',
    async (...flag) => {
      cluster.resetRequestLog();
      const result = await topNodes('--user', 'admin', ...flag);
      expect(result.code).toBe(0);
      const lines = result.stderr.split('\n').filter((l) => l !== '');
      expect(lines[0]).toBe(`Config loaded from file: ${kubeconfig}`);
      const requests = lines.slice(1);
      // One line per attempt, shaped like client-go's round_trippers.go line. On a loaded machine an
      // attempt can fail (a reset socket, a slow answer) and be retried: that attempt is logged too
      // (", retrying in N ms"), so the lines that ended a request are the ones to count against the
      // distinct requests the cluster saw (CI once logged 4 attempts for 3 requests).
      const final = requests.filter((l) => !l.includes(', retrying in '));
      const distinct = new Set(cluster.requests.map((r) => r.url));
      expect(final, requests.join('\n')).toHaveLength(distinct.size);
      for (const line of requests) {
        expect(line).toMatch(
          /^GET https:\/\/\S+ .* in \d+ milliseconds( \(attempt \d+\))?(, retrying in \d+ ms)?$/,
        );
      }
      expect(requests).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^GET ${cluster.url.replace(/[.]/g, '\\.')}/api/v1/nodes\\?limit=500 200 OK in \\d+ milliseconds$`,
          ),
        ),
      );
      cluster.resetRequestLog();
    },
  );

  it('logs failed requests with their status; below 6 nothing is logged', async () => {
    const forbidden = await topNodes('--v=6');
    expect(forbidden.stderr).toMatch(/GET \S+\/api\/v1\/nodes\?limit=500 403 Forbidden in \d+ milliseconds/);
    const quiet = await topNodes('--user', 'admin', '-v=4');
    expect(quiet.stderr).toBe('');
  });

  it('a level that is not a number is a usage error', async () => {
    const result = await cli(['top', 'nodes', '-v=high']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid -v/--v "=high": expected a log level such as 6');
  });
});

describe('--request-timeout bounds connect and TLS handshake (the built binary)', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let closed: Promise<number>[] = [];
  beforeAll(async () => {
    // Accepts TCP and never says a word: the TLS handshake can never complete.
    silent = createServer((socket) => {
      const accepted = performance.now();
      sockets.push(socket);
      socket.on('error', () => undefined);
      // Read (and ignore) the ClientHello, so the client's close is seen.
      socket.resume();
      closed.push(once(socket, 'close').then(() => performance.now() - accepted));
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    silent.close();
    await once(silent, 'close');
  });

  it('ends with a timeout error whose hint names --request-timeout', async () => {
    closed = [];
    const port = (silent.address() as { port: number }).port;
    const child = spawn(
      process.execPath,
      [
        path.resolve('dist/cli/main.js'),
        'top',
        'nodes',
        '--server',
        `https://127.0.0.1:${port}`,
        '--insecure-skip-tls-verify',
        '--request-timeout',
        '1s',
      ],
      { env: { PATH: process.env['PATH'] ?? '', ...noConfig }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(stderr).toMatch(/did not complete within 1000 ms/);
    expect(stderr).toContain('hint: Raise the timeout (--request-timeout)');
    expect(stderr).not.toContain('timeoutMs');
    expect(code).toBe(1);
    // The abandoned handshakes were closed by the client at the deadline, not by undici's own
    // 10 s connect timeout (which kept the process alive for 11.7 s before this fix).
    expect(closed.length).toBeGreaterThan(0);
    for (const ms of await Promise.all(closed)) expect(ms).toBeLessThan(10_000);
  });
});

/**
 * The servers take the same flags (cluster-options.ts): the built binary, started with no
 * kubeconfig at all, reaches the test cluster through --server/--token/--certificate-authority and
 * calls it as the impersonated user, which the cluster's request log records per request.
 */
describe('serve and apiserver take the kubectl cluster flags (the built binary)', () => {
  const asSomeone = [
    '--server',
    '', // cluster.url, filled in once the cluster listens
    '--token',
    'admin-token',
    '--certificate-authority',
    '',
    '--as',
    'someone',
    '--as-group',
    'system:masters',
  ];
  const flags = (): string[] => {
    const filled = [...asSomeone];
    filled[1] = cluster.url;
    filled[5] = caFile;
    return filled;
  };

  /** Starts the binary and resolves once its stderr shows every one of `lines`. */
  async function startUntil(args: string[], lines: readonly string[]) {
    assertBinaryBuilt();
    const child = startBinary(args, { env: noConfig });
    const result = finished(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (lines.every((line) => stderr.includes(line))) resolve();
      };
      child.stderr!.on('data', check);
      void result.then((r) => reject(new Error(`exited ${r.code} before ${lines.join(', ')}:\n${r.stderr}`)));
    });
    return { child, result, stderr: () => stderr };
  }

  /** Users the cluster served a list or watch of `path` to, since the last reset. */
  const usersOf = (path: string): Set<string | undefined> =>
    new Set(cluster.requests.filter((r) => r.url.startsWith(path)).map((r) => r.user));

  beforeEach(() => cluster.resetRequestLog());

  it('serve lists and watches as the --as user, at the --server given on the command line', async () => {
    const { child, result } = await startUntil(
      ['serve', '--listen', '127.0.0.1:0', '--quiet', ...flags()],
      ['"nodes synced"', '"pods synced"'],
    );
    child.kill('SIGINT');
    const { code, stderr } = await result;
    expect(code, stderr).toBe(0);
    expect(usersOf('/api/v1/nodes')).toEqual(new Set(['someone']));
    expect(usersOf('/api/v1/pods')).toEqual(new Set(['someone']));
  });

  it('serve -v=6 logs its list requests to stderr', async () => {
    const { child, result } = await startUntil(
      ['serve', '--listen', '127.0.0.1:0', '--quiet', '-v', '6', ...flags()],
      ['"pods synced"', `GET ${cluster.url}/api/v1/pods`],
    );
    child.kill('SIGINT');
    expect((await result).code).toBe(0);
  });

  it('apiserver calls the cluster (object lister) as the --as user', async () => {
    const metrics = path.join(root, 'apiserver-metrics.yaml');
    writeFileSync(metrics, stringify({ pods: [] }));
    const config = path.join(root, 'apiserver.yaml');
    writeFileSync(
      config,
      stringify({
        listen: { address: '127.0.0.1', port: 0 },
        tls: { caBundleFile: path.join(root, 'apiserver-ca.crt') },
        authentication: { anonymous: true, lookupFromCluster: false, tokenReview: { enabled: false } },
        authorization: { mode: 'AlwaysAllow' },
        objectLister: { resources: ['pods'] },
        providers: [{ type: 'memory', file: metrics }],
      }),
    );
    const { child, result } = await startUntil(
      ['apiserver', '--config', config, ...flags()],
      ['"msg":"ready to serve"', '"msg":"informer synced","informer":"pods"'],
    );
    child.kill('SIGTERM');
    const { code, stderr } = await result;
    expect(code, stderr).toBe(0);
    expect(usersOf('/api/v1/pods')).toEqual(new Set(['someone']));
  });

  it('cluster flags where no cluster is called are usage errors (exit 2), not ignored', async () => {
    const served = await cli(['serve', '--snapshot', 'x.json', '--server', 'https://10.0.0.1']);
    expect(served.code).toBe(2);
    expect(served.stderr).toContain('cannot be combined with --server');
    const config = path.join(root, 'apiserver-no-cluster.yaml');
    writeFileSync(
      config,
      stringify({
        authentication: { anonymous: true, lookupFromCluster: false, tokenReview: { enabled: false } },
        authorization: { mode: 'AlwaysAllow' },
        objectLister: { resources: [] },
        providers: [{ type: 'memory', file: path.join(root, 'none.yaml') }],
      }),
    );
    const api = await cli(['apiserver', '--config', config, '--token', 't', '--as', 'x']);
    expect(api.code).toBe(2);
    expect(api.stderr).toContain('--token, --as given, but this configuration makes no call to the cluster');
  });
});
