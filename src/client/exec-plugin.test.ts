// Exec plugins as k8s.io/client-go/plugin/pkg/client/auth/exec/exec.go runs them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecPlugin, type ExecPluginOptions } from './exec-plugin.js';
import type { ExecConfig } from './kubeconfig-model.js';

const root = mkdtempSync(path.join(tmpdir(), 'kubemetrics-exec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A node plugin: `body` runs with `info` = parsed KUBERNETES_EXEC_INFO and `print(status)`. */
function plugin(body: string, apiVersion = 'client.authentication.k8s.io/v1'): string {
  const file = path.join(root, `plugin-${++counter}.mjs`);
  writeFileSync(
    file,
    [
      'const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);',
      `const print = (status, v = ${JSON.stringify(apiVersion)}) => console.log(JSON.stringify({ apiVersion: v, kind: 'ExecCredential', status }));`,
      body,
    ].join('\n'),
  );
  return file;
}

function run(script: string, config: Partial<ExecConfig> = {}, options: Partial<ExecPluginOptions> = {}) {
  return new ExecPlugin({
    config: {
      command: process.execPath,
      args: [script],
      apiVersion: 'client.authentication.k8s.io/v1',
      interactiveMode: 'Never',
      ...config,
    },
    cluster: { name: 'c', server: 'https://10.0.0.1:6443', caData: Buffer.from('CA').toString('base64') },
    userName: 'me',
    env: { PATH: process.env['PATH'] ?? '' },
    ...options,
  }).credential();
}

describe('ExecPlugin', () => {
  it('passes env entries and, with provideClusterInfo, the cluster in KUBERNETES_EXEC_INFO', async () => {
    const script = plugin(
      'print({ token: process.env.SECRET + "|" + info.spec.cluster.server + "|" + info.spec.interactive })',
    );
    const status = await run(script, { env: [{ name: 'SECRET', value: 's3' }], provideClusterInfo: true });
    expect(status.token).toBe('s3|https://10.0.0.1:6443|false');
  });

  it('without provideClusterInfo the spec has no cluster', async () => {
    const status = await run(plugin('print({ token: String(info.spec.cluster === undefined) })'));
    expect(status.token).toBe('true');
  });

  it('v1beta1 defaults to IfAvailable: interactive only when stdin is a terminal', async () => {
    const script = plugin('print({ token: String(info.spec.interactive) }, info.apiVersion)', 'x');
    const base = { apiVersion: 'client.authentication.k8s.io/v1beta1', interactiveMode: undefined };
    expect((await run(script, base, { stdinIsTerminal: () => false })).token).toBe('false');
    expect((await run(script, base, { stdinIsTerminal: () => true })).token).toBe('true');
  });

  it('v1 without interactiveMode, and Always without a terminal, are clear errors', async () => {
    const script = plugin('print({ token: "t" })');
    await expect(run(script, { interactiveMode: undefined })).rejects.toThrow(
      /has no interactiveMode, which client.authentication.k8s.io\/v1 requires/,
    );
    await expect(
      run(script, { interactiveMode: 'Always' }, { stdinIsTerminal: () => false }),
    ).rejects.toThrow(
      /needs an interactive terminal \(interactiveMode: Always\), but standard input is not a terminal/,
    );
  });

  it('a client certificate answer needs both halves; an answer of another apiVersion is refused', async () => {
    await expect(run(plugin('print({ clientCertificateData: "C" })'))).rejects.toThrow(
      /only one of clientCertificateData/,
    );
    const cert = await run(plugin('print({ clientCertificateData: "C", clientKeyData: "K" })'));
    expect(cert).toMatchObject({ cert: 'C', key: 'K', token: undefined });
    await expect(
      run(plugin('print({ token: "t" }, "client.authentication.k8s.io/v1beta1")')),
    ).rejects.toThrow(
      /configured for client.authentication.k8s.io\/v1 but answered with apiVersion client.authentication.k8s.io\/v1beta1/,
    );
  });

  it('a missing command names it and shows the installHint', async () => {
    const missing = path.join(root, 'no-such-plugin');
    const error = await run('x', { command: missing, installHint: 'brew install it' }).then(
      () => undefined,
      (e: unknown) => e as { message: string; hint: string },
    );
    expect(error?.message).toContain(`exec plugin "${missing}" of user "me" was not found`);
    expect(error?.hint).toBe('brew install it');
  });

  it('a failing plugin: its exit status and stderr are in the message', async () => {
    await expect(run(plugin('console.error("token expired, run login"); process.exit(4)'))).rejects.toThrow(
      /exited with status 4: token expired, run login/,
    );
  });

  it('reuses the credential until expirationTimestamp, then runs again', async () => {
    const counterFile = path.join(root, 'runs');
    writeFileSync(counterFile, '');
    const script = plugin(
      [
        "import('node:fs').then(({ appendFileSync, readFileSync }) => {",
        `  appendFileSync(${JSON.stringify(counterFile)}, 'x');`,
        `  const n = readFileSync(${JSON.stringify(counterFile)}, 'utf8').length;`,
        "  print({ token: 'run-' + n, expirationTimestamp: '2030-01-01T00:00:00Z' });",
        '});',
      ].join('\n'),
    );
    let now = Date.parse('2029-12-31T23:00:00Z');
    const execPlugin = new ExecPlugin({
      config: {
        command: process.execPath,
        args: [script],
        apiVersion: 'client.authentication.k8s.io/v1',
        interactiveMode: 'Never',
      },
      cluster: { name: 'c', server: 'https://c' },
      userName: 'me',
      env: {},
      now: () => now,
    });
    const [a, b] = await Promise.all([execPlugin.credential(), execPlugin.credential()]);
    expect([a.token, b.token]).toEqual(['run-1', 'run-1']);
    expect((await execPlugin.credential()).token).toBe('run-1');
    now = Date.parse('2030-01-01T00:00:01Z');
    expect((await execPlugin.credential()).token).toBe('run-2');
  });
});
