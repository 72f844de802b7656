import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { KubemetricsError } from '../errors.js';
import type { KubeConfig } from './credentials.js';
import { kubeConfigSource, loadKubeConfig, resolveConnection } from './credentials.js';

const root = mkdtempSync(path.join(tmpdir(), 'kubemetrics-credentials-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

let counter = 0;
function dir(): string {
  const d = path.join(root, `case-${++counter}`);
  mkdirSync(d, { recursive: true });
  return d;
}

function write(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A kubeconfig with one cluster/user/context per name. */
function kubeconfig(
  names: string[],
  opts: { current?: string; server?: (n: string) => string; user?: (n: string) => string } = {},
): string {
  const server = opts.server ?? ((n: string) => `https://${n}.example:6443`);
  const user = opts.user ?? ((n: string) => `    token: token-${n}`);
  return [
    'apiVersion: v1',
    'kind: Config',
    ...(opts.current === undefined ? [] : [`current-context: ${opts.current}`]),
    'clusters:',
    ...names.flatMap((n) => [`- name: ${n}`, '  cluster:', `    server: ${server(n)}`]),
    'users:',
    ...names.flatMap((n) => [`- name: ${n}`, '  user:', user(n)]),
    'contexts:',
    ...names.flatMap((n) => [`- name: ${n}`, '  context:', `    cluster: ${n}`, `    user: ${n}`]),
  ].join('\n');
}

function configError(fn: () => unknown): KubemetricsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KubemetricsError);
    expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_CONFIG');
    expect((error as KubemetricsError).hint).toBeTruthy();
    return error as KubemetricsError;
  }
  throw new Error('expected a CONFIG error');
}

// kubectl loading order (k8s.io/client-go tools/clientcmd/loader.go and `kubectl config --help`):
// --kubeconfig, then KUBECONFIG (merged, first wins), then ~/.kube/config, then in-cluster.
describe('loadKubeConfig: loading order', () => {
  it('--kubeconfig: loads only that file, ignoring KUBECONFIG', () => {
    const d = dir();
    const explicit = write(path.join(d, 'explicit'), kubeconfig(['a'], { current: 'a' }));
    const other = write(path.join(d, 'other'), kubeconfig(['b'], { current: 'b' }));
    const kc = loadKubeConfig({ kubeconfig: explicit, env: { KUBECONFIG: other } });
    expect(kc.getContexts().map((c) => c.name)).toEqual(['a']);
    expect(kubeConfigSource(kc)).toEqual({ kind: 'files', files: [explicit] });
  });

  it('--kubeconfig: a missing file is an error (kubectl: the explicit file must exist)', () => {
    const error = configError(() => loadKubeConfig({ kubeconfig: path.join(root, 'nope'), env: {} }));
    expect(error.message).toContain('does not exist');
  });

  it('KUBECONFIG with two files: merged, first definition and first current-context win', () => {
    const d = dir();
    const first = write(
      path.join(d, 'one'),
      kubeconfig(['shared', 'a'], { current: 'a', server: (n) => `https://first-${n}:6443` }),
    );
    const second = write(
      path.join(d, 'two'),
      kubeconfig(['shared', 'b'], { current: 'b', server: (n) => `https://second-${n}:6443` }),
    );
    const kc = loadKubeConfig({ env: { KUBECONFIG: `${first}${path.delimiter}${second}` } });
    expect(kc.getContexts().map((c) => c.name)).toEqual(['shared', 'a', 'b']);
    expect(kc.getCluster('shared')?.server).toBe('https://first-shared:6443');
    expect(kc.getCluster('b')?.server).toBe('https://second-b:6443');
    expect(kc.getCurrentContext()).toBe('a');
  });

  it('KUBECONFIG: the first file that sets current-context wins even if it is not the first file', () => {
    const d = dir();
    const first = write(path.join(d, 'one'), kubeconfig(['a']));
    const second = write(path.join(d, 'two'), kubeconfig(['b'], { current: 'b' }));
    const kc = loadKubeConfig({ env: { KUBECONFIG: [first, second].join(path.delimiter) } });
    expect(kc.getCurrentContext()).toBe('b');
  });

  it('KUBECONFIG: missing and empty entries are skipped', () => {
    const d = dir();
    const real = write(path.join(d, 'real'), kubeconfig(['a'], { current: 'a' }));
    const kc = loadKubeConfig({
      env: { KUBECONFIG: ['', path.join(d, 'missing'), real, ''].join(path.delimiter) },
    });
    expect(kubeConfigSource(kc)).toEqual({ kind: 'files', files: [real] });
  });

  it('KUBECONFIG: no file exists and not in a cluster → CONFIG error naming what was tried', () => {
    const d = dir();
    const error = configError(() =>
      loadKubeConfig({ env: { KUBECONFIG: path.join(d, 'missing') }, serviceAccountDir: path.join(d, 'sa') }),
    );
    expect(error.message).toContain('KUBECONFIG=');
    expect(error.message).toContain('in-cluster');
  });

  it('falls back to ~/.kube/config (HOME from the injected env)', () => {
    const home = dir();
    write(path.join(home, '.kube', 'config'), kubeconfig(['home'], { current: 'home' }));
    const kc = loadKubeConfig({ env: { HOME: home } });
    expect(kc.getCurrentContext()).toBe('home');
  });

  it('falls back to the in-cluster service account', () => {
    const home = dir();
    const sa = dir();
    write(path.join(sa, 'token'), 'sa-token\n');
    write(path.join(sa, 'ca.crt'), 'not-a-real-ca');
    write(path.join(sa, 'namespace'), 'monitoring');
    const kc = loadKubeConfig({
      env: { HOME: home, KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountDir: sa,
    });
    expect(kc.getCurrentCluster()?.server).toBe('https://[fd00::1]:443');
    expect(kc.getCurrentCluster()?.caFile).toBe(path.join(sa, 'ca.crt'));
    expect(kubeConfigSource(kc)).toEqual({ kind: 'in-cluster', dir: sa });
    expect(resolveConnection(kc).resolved.namespace).toBe('monitoring');
  });

  it('no configuration at all → CONFIG error with a hint', () => {
    const error = configError(() => loadKubeConfig({ env: { HOME: dir() }, serviceAccountDir: dir() }));
    expect(error.message).toContain('no Kubernetes configuration found');
    expect(error.hint).toContain('--kubeconfig');
  });
});

describe('loadKubeConfig: contexts and broken files', () => {
  it('selects --context', () => {
    const file = write(path.join(dir(), 'kc'), kubeconfig(['a', 'b'], { current: 'a' }));
    expect(loadKubeConfig({ kubeconfig: file, context: 'b', env: {} }).getCurrentContext()).toBe('b');
  });

  it('an unknown context lists the available ones', () => {
    const file = write(path.join(dir(), 'kc'), kubeconfig(['a', 'b'], { current: 'a' }));
    const error = configError(() => loadKubeConfig({ kubeconfig: file, context: 'prod', env: {} }));
    expect(error.message).toContain('context "prod"');
    expect(error.message).toContain('available contexts: a, b');
    expect(error.hint).toContain('kubectl config get-contexts');
  });

  const broken: Array<[string, string, RegExp]> = [
    ['invalid YAML', 'clusters: [\n  - name: a', /not valid YAML/],
    ['not a mapping', '- just\n- a list', /not a kubeconfig/],
    ['an entry without a name', 'clusters:\n- cluster: {}\n', /invalid: clusters\[0\] has no name/],
    // client-go's v1 conversion refuses a name defined twice in one file.
    [
      'a name twice in one file',
      'users:\n- { name: a, user: {} }\n- { name: a, user: {} }\n',
      /invalid: users defines "a" twice/,
    ],
    [
      'a field of the wrong type',
      'users:\n- { name: a, user: { token: [1] } }\n',
      /user "a": token must be a string/,
    ],
  ];
  it.each(broken)('%s → CONFIG error naming the file', (_name, text, pattern) => {
    const file = write(path.join(dir(), 'kc'), text);
    const error = configError(() => loadKubeConfig({ kubeconfig: file, env: {} }));
    expect(error.message).toMatch(pattern);
    expect(error.message).toContain(file);
  });

  it('a cluster without server loads (as in kubectl) and fails when used, naming the cluster', () => {
    const file = write(path.join(dir(), 'kc'), kubeconfig(['a'], { current: 'a', server: () => '""' }));
    const kc = loadKubeConfig({ kubeconfig: file, env: {} });
    expect(configError(() => resolveConnection(kc)).message).toBe('cluster "a" has no server');
  });

  it('a directory instead of a file → CONFIG error', () => {
    const d = dir();
    expect(configError(() => loadKubeConfig({ kubeconfig: d, env: {} })).message).toContain('is a directory');
  });

  it('an empty file is an empty config (then: no current-context)', () => {
    const file = write(path.join(dir(), 'kc'), '');
    const kc = loadKubeConfig({ kubeconfig: file, env: {} });
    expect(configError(() => resolveConnection(kc)).message).toContain('no current-context');
  });

  it('resolves relative certificate and key paths against the kubeconfig directory', () => {
    const d = dir();
    const file = write(
      path.join(d, 'kc'),
      [
        'current-context: a',
        'clusters:',
        '- name: a',
        '  cluster: { server: "https://a:6443", certificate-authority: certs/ca.crt }',
        'users:',
        '- name: a',
        '  user: { client-certificate: certs/me.crt, client-key: /abs/me.key }',
        'contexts:',
        '- name: a',
        '  context: { cluster: a, user: a }',
      ].join('\n'),
    );
    const kc = loadKubeConfig({ kubeconfig: file, env: {} });
    expect(kc.getCluster('a')?.caFile).toBe(path.join(d, 'certs', 'ca.crt'));
    expect(kc.getUser('a')?.certFile).toBe(path.join(d, 'certs', 'me.crt'));
    expect(kc.getUser('a')?.keyFile).toBe('/abs/me.key');
  });
});

describe('resolveConnection', () => {
  function kcFrom(text: string): KubeConfig {
    return loadKubeConfig({ kubeconfig: write(path.join(dir(), 'kc'), text), env: {} });
  }

  it('a context naming a missing cluster or user → CONFIG error', () => {
    const kc = kcFrom(
      [
        'current-context: a',
        'clusters: [{ name: a, cluster: { server: "https://a" } }]',
        'users: []',
        'contexts:',
        '- { name: a, context: { cluster: a, user: ghost } }',
        '- { name: b, context: { cluster: nowhere, user: ghost } }',
      ].join('\n'),
    );
    expect(configError(() => resolveConnection(kc)).message).toContain('user "ghost"');
    expect(configError(() => resolveConnection(kc, 'b')).message).toContain('cluster "nowhere"');
  });

  it('keeps its context when the KubeConfig moves to another one later', async () => {
    const kc = kcFrom(kubeconfig(['a', 'b'], { current: 'a' }));
    const connection = resolveConnection(kc);
    kc.setCurrentContext('b');
    expect(connection.contextName).toBe('a');
    expect((await connection.authenticate()).headers['authorization']).toBe('Bearer token-a');
    expect((await resolveConnection(kc).authenticate()).headers['authorization']).toBe('Bearer token-b');
  });

  it('an explicit context other than the current one', async () => {
    const kc = kcFrom(kubeconfig(['a', 'b'], { current: 'a' }));
    const connection = resolveConnection(kc, 'b');
    expect(connection.server).toBe('https://b.example:6443');
    expect((await connection.authenticate()).headers['authorization']).toBe('Bearer token-b');
  });

  it('basic auth becomes an Authorization: Basic header', async () => {
    const kc = kcFrom(
      kubeconfig(['a'], { current: 'a', user: () => '    username: admin\n    password: s3cret' }),
    );
    const auth = await resolveConnection(kc).authenticate();
    expect(auth.headers['authorization']).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
  });

  it('passes CA, client cert/key, insecure-skip-tls-verify and tls-server-name to TLS', async () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const kc = kcFrom(
      [
        'current-context: a',
        'clusters:',
        '- name: a',
        '  cluster:',
        '    server: https://10.0.0.1:6443',
        `    certificate-authority-data: ${b64('CA')}`,
        '    tls-server-name: kubernetes.default',
        '- name: insecure',
        '  cluster: { server: "https://10.0.0.2", insecure-skip-tls-verify: true }',
        'users:',
        '- name: a',
        `  user: { client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')} }`,
        'contexts:',
        '- { name: a, context: { cluster: a, user: a } }',
        '- { name: insecure, context: { cluster: insecure, user: a } }',
      ].join('\n'),
    );
    const auth = await resolveConnection(kc).authenticate();
    expect(String(auth.tls.ca)).toBe('CA');
    expect(String(auth.tls.cert)).toBe('CERT');
    expect(String(auth.tls.key)).toBe('KEY');
    expect(auth.tls.servername).toBe('kubernetes.default');
    expect(auth.headers['authorization']).toBeUndefined();
    expect((await resolveConnection(kc, 'insecure').authenticate()).tls.rejectUnauthorized).toBe(false);
  });

  it('plain http:// servers work without insecure-skip-tls-verify (kubectl proxy)', async () => {
    const kc = kcFrom(kubeconfig(['a'], { current: 'a', server: () => 'http://127.0.0.1:8001' }));
    expect((await resolveConnection(kc).authenticate()).headers['authorization']).toBe('Bearer token-a');
  });

  it('tokenFile (kubectl spells it so): read relative to the kubeconfig, trimmed, and re-read after a minute', async () => {
    const d = dir();
    const tokenFile = write(path.join(d, 'secrets', 'token'), 'first\n');
    const kc = loadKubeConfig({
      kubeconfig: write(
        path.join(d, 'kc'),
        kubeconfig(['a'], { current: 'a', user: () => '    token: ignored\n    tokenFile: secrets/token' }),
      ),
      env: {},
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    const connection = resolveConnection(kc);
    expect((await connection.authenticate()).headers['authorization']).toBe('Bearer first');
    writeFileSync(tokenFile, 'second\n');
    expect((await connection.authenticate()).headers['authorization']).toBe('Bearer first');
    vi.setSystemTime(Date.now() + 61_000);
    expect((await connection.authenticate()).headers['authorization']).toBe('Bearer second');
  });

  it('a missing token file → CONFIG error when credentials are needed', async () => {
    const d = dir();
    const kc = loadKubeConfig({
      kubeconfig: write(
        path.join(d, 'kc'),
        kubeconfig(['a'], { current: 'a', user: () => '    tokenFile: nope' }),
      ),
      env: {},
    });
    await expect(resolveConnection(kc).authenticate()).rejects.toMatchObject({
      code: 'KUBEMETRICS_ERR_CONFIG',
      message: expect.stringContaining('user "a"') as unknown,
    });
  });

  it('exec plugin: the credential is cached until expirationTimestamp, concurrent calls run it once', async () => {
    const d = dir();
    const counter = path.join(d, 'count');
    writeFileSync(counter, '');
    const script = write(
      path.join(d, 'plugin.mjs'),
      [
        "import { appendFileSync } from 'node:fs';",
        `appendFileSync(${JSON.stringify(counter)}, 'x');`,
        'const expirationTimestamp = new Date(Date.now() + 3600_000).toISOString();',
        "console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',",
        "  status: { token: 'exec-token', expirationTimestamp } }));",
      ].join('\n'),
    );
    const user = [
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1',
      `      command: ${JSON.stringify(process.execPath)}`,
      `      args: [${JSON.stringify(script)}]`,
      '      interactiveMode: Never',
    ].join('\n');
    const kc = loadKubeConfig({
      kubeconfig: write(path.join(d, 'kc'), kubeconfig(['a'], { current: 'a', user: () => user })),
      env: {},
    });
    const connection = resolveConnection(kc);
    const auths = await Promise.all([connection.authenticate(), connection.authenticate()]);
    expect(auths.map((a) => a.headers['authorization'])).toEqual(['Bearer exec-token', 'Bearer exec-token']);
    expect((await connection.authenticate()).headers['authorization']).toBe('Bearer exec-token');
    expect(readFileSync(counter, 'utf8')).toBe('x');
  });

  it('a failing exec plugin → CONFIG error with a hint', async () => {
    const d = dir();
    const user = [
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1',
      `      command: ${JSON.stringify(process.execPath)}`,
      `      args: ["-e", "process.stderr.write('login required'); process.exit(1)"]`,
      '      interactiveMode: Never',
    ].join('\n');
    const kc = loadKubeConfig({
      kubeconfig: write(path.join(d, 'kc'), kubeconfig(['a'], { current: 'a', user: () => user })),
      env: {},
    });
    const error = await resolveConnection(kc)
      .authenticate()
      .then(
        () => undefined,
        (e: unknown) => e as KubemetricsError,
      );
    expect(error?.code).toBe('KUBEMETRICS_ERR_CONFIG');
    expect(error?.message).toContain('login required');
    expect(error?.hint).toContain('exec plugin');
  });
});
