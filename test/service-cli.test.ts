/**
 * `kubemetrics serve` as a user runs it: flags validated up front (exit 2 with every problem), a
 * live cluster through --kubeconfig, a saved snapshot through --snapshot, Ctrl-C stops it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeOptions } from '../src/cli/commands/serve.js';
import { runCli } from '../src/cli/run.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { Capture } from './helpers/cli.js';

/** Starts `kubemetrics serve ARGS` in-process; resolves with its URL once it listens. */
async function serve(args: string[]): Promise<{ url: string; stop: () => Promise<number>; stderr: Capture }> {
  const controller = new AbortController();
  const stdout = new Capture();
  const stderr = new Capture();
  const exit = runCli(['serve', '--listen', '127.0.0.1:0', ...args], {
    stdout,
    stderr,
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    signal: controller.signal,
  });
  // Only stops a hung start: a loaded 2-core machine can take seconds to get there.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr.text);
    if (match?.[1] !== undefined)
      return {
        url: match[1],
        stderr,
        stop: async () => {
          controller.abort();
          return exit;
        },
      };
    if (Date.now() > deadline) {
      controller.abort();
      throw new Error(`serve did not start: ${stderr.text} (exit ${await exit})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('kubemetrics serve', () => {
  let cluster: TestCluster;
  let dir: string;
  beforeAll(async () => {
    cluster = await startTestCluster(buildCluster({ nodes: 3, podsPerNode: 8, seed: 3 }));
    dir = mkdtempSync(join(tmpdir(), 'kubemetrics-serve-'));
  });
  afterAll(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects bad flags with exit 2, naming every problem', async () => {
    const stderr = new Capture();
    const code = await runCli(['serve', '--listen', 'nowhere', '--metrics-interval', '0s'], {
      stdout: new Capture(),
      stderr,
      env: {},
      stdoutIsTTY: false,
      stderrIsTTY: false,
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(stderr.text).toContain('--listen must be HOST:PORT');
    expect(stderr.text).toContain('--metrics-interval must be a duration');
    expect(() => parseServeOptions(['--snapshot', 'x.json', '--context', 'prod'], {})).toThrow(/--snapshot/);
  });

  it('listens on 127.0.0.1:8080 outside a cluster and 0.0.0.0:8080 in a pod', () => {
    expect(parseServeOptions([], {})).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      metricsIntervalMs: 15_000,
    });
    expect(parseServeOptions([], { KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
    });
    expect(parseServeOptions(['--listen', '[::1]:9090', '--metrics-interval', '1m'], {})).toMatchObject({
      host: '::1',
      port: 9090,
      metricsIntervalMs: 60_000,
    });
  });

  it('serves a live cluster until stopped', async () => {
    const server = await serve(['--kubeconfig', cluster.kubeconfigPath, '--quiet']);
    try {
      // Ready once nodes and pods are listed; polled up to a bound that only stops a hung test (a
      // hundred 30 ms tries, 3 s, is a sync a loaded machine can miss).
      const deadline = Date.now() + 20_000;
      let ready = (await fetch(`${server.url}/readyz`)).status;
      while (ready !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        ready = (await fetch(`${server.url}/readyz`)).status;
      }
      expect(ready).toBe(200);
      const summary = (await (await fetch(`${server.url}/`)).json()) as { Nodes: unknown[] };
      expect(summary.Nodes).toHaveLength(3);
      // serve wires the HPA replay: 503 until its first run ends, then this cluster's (empty) list.
      let hpas = await fetch(`${server.url}/api/v1/hpas`);
      while (hpas.status === 503 && Date.now() < deadline) {
        expect(((await hpas.json()) as { message: string }).message).toMatch(/no HPA replay yet/);
        await new Promise((resolve) => setTimeout(resolve, 30));
        hpas = await fetch(`${server.url}/api/v1/hpas`);
      }
      expect(hpas.status).toBe(200);
      expect(await hpas.json()).toMatchObject({ kind: 'HpaList', items: [], data: { intervalSeconds: 15 } });
      expect(cluster.requests.some((r) => r.url.includes('/horizontalpodautoscalers'))).toBe(true);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('serves a saved snapshot read-only with --snapshot', async () => {
    const file = join(dir, 'snap.json');
    const saved = await runCli(['snapshot', 'save', file, '--kubeconfig', cluster.kubeconfigPath], {
      stdout: new Capture(),
      stderr: new Capture(),
      env: {},
      stdoutIsTTY: false,
      stderrIsTTY: false,
      signal: new AbortController().signal,
    });
    expect(saved).toBe(0);
    const server = await serve(['--snapshot', file]);
    try {
      const before = cluster.requests.length;
      const report = (await (await fetch(`${server.url}/api/v1/capacity?by=namespace`)).json()) as {
        cluster: { nodes: number };
        data: { mode: string; stale: boolean };
      };
      expect(report.cluster.nodes).toBe(3);
      expect(report.data).toMatchObject({ mode: 'snapshot' });
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const hpas = await fetch(`${server.url}/api/v1/hpas`);
      expect(hpas.status).toBe(404);
      expect(((await hpas.json()) as { message: string }).message).toMatch(/without --snapshot/);
      expect(cluster.requests.length).toBe(before);
      expect(server.stderr.text).toContain('"status":200');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
