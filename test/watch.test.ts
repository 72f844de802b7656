/** `--watch`: refreshes from the live cluster and marks the rows that changed between frames. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';

const fixture = buildCluster({ nodes: 3, podsPerNode: 4, seed: 2 });
let cluster: TestCluster;

describe('top nodes --watch', () => {
  beforeAll(async () => {
    cluster = await startTestCluster(fixture);
  });
  afterAll(() => cluster.stop());

  it('redraws every interval and marks the changed node', async () => {
    const controller = new AbortController();
    const frames: string[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        frames.push(chunk.toString());
        if (frames.length === 1) {
          // Between the two refreshes one node's usage changes.
          const [first, ...rest] = fixture.nodeMetrics;
          cluster.setNodeMetrics([{ ...first!, usage: { cpu: '123m', memory: '1Gi' } }, ...rest]);
        }
        if (frames.length === 2) controller.abort();
        done();
      },
    });
    const code = await runCli(['top', 'nodes', '--watch', '1s', '--kubeconfig', cluster.kubeconfigPath], {
      stdout,
      stderr: new Writable({ write: (_c, _e, done) => done() }),
      env: {},
      stdoutIsTTY: false,
      stderrIsTTY: false,
      signal: controller.signal,
    });
    expect(code).toBe(0);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatch(/^--- \d{4}-/);
    const changed = frames[1]!.split('\n').filter((l) => l.startsWith('* '));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain(fixture.nodeMetrics[0]!.metadata.name!);
    expect(changed[0]).toContain('123m');
  });

  it('refuses --watch with --snapshot', async () => {
    const result = await runCli(['top', 'nodes', '--watch', '--snapshot', 'x.json'], {
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: new Writable({ write: (_c, _e, done) => done() }),
      env: {},
      stdoutIsTTY: false,
      stderrIsTTY: false,
      signal: new AbortController().signal,
    });
    expect(result).toBe(2);
  });
});
