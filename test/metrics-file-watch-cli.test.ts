/**
 * `kubemetrics apiserver --metrics-file` as an operator runs it, the built binary with its log
 * appended to a file in the metrics file's own directory (`2>>dir/server.log`): every warning the
 * watcher logs is an event in the watched directory. A bad file and an empty file (a half-written
 * save) are each warned about once, and the last good metrics stay served (main accepted the empty
 * file and served no pods).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { eventually, httpsGet } from './helpers/https.js';

const MAIN = new URL('../dist/cli/main.js', import.meta.url).pathname;

const podFile = (cpu: string): string =>
  stringify({
    pods: [
      { namespace: 'shop', name: 'web-1', containers: [{ name: 'app', usage: { cpu, memory: '1Mi' } }] },
    ],
  });

let dir = '';
let child: ChildProcess | undefined;
const logPath = (): string => join(dir, 'server.log');
const log = (): string => (existsSync(logPath()) ? readFileSync(logPath(), 'utf8') : '');
const count = (text: string): number => log().split(text).length - 1;

/**
 * Writes a new version the way editors and ConfigMap updates do: aside, then renamed over the file.
 * Written in place, the file is empty between the truncation and the write; a loaded machine can
 * let the server read it then and rightly warn about an empty file, one warning more than counted.
 */
async function replace(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubemetrics-watch-cli-'));
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(MAIN))(
  'kubemetrics apiserver --metrics-file, logging into the same directory',
  () => {
    it('a bad file, then an empty one: one warning each, the last good metrics still served', async () => {
      const metrics = join(dir, 'metrics.yaml');
      await writeFile(metrics, podFile('250m'));
      // Nothing that needs a cluster: the memory provider's own lister, open access on loopback.
      const config = join(dir, 'config.yaml');
      await writeFile(
        config,
        stringify({
          listen: { address: '127.0.0.1', port: 0 },
          tls: { caBundleFile: join(dir, 'ca.crt') },
          authentication: { anonymous: true, lookupFromCluster: false, tokenReview: { enabled: false } },
          authorization: { mode: 'AlwaysAllow' },
          objectLister: { resources: [] },
          providers: [{ type: 'memory', file: metrics }],
        }),
      );
      const fd = openSync(logPath(), 'a');
      const started = spawn(process.execPath, [MAIN, 'apiserver', '--config', config], {
        stdio: ['ignore', 'ignore', fd],
        env: { PATH: process.env['PATH'] ?? '' },
      });
      child = started;
      closeSync(fd);
      const exited = new Promise<number | null>((resolve) => started.on('exit', (code) => resolve(code)));
      await eventually(() => log().includes('"msg":"ready to serve"'), 20_000);
      const url = /"url":"(https:\/\/[^"]+)"/.exec(log())?.[1] ?? '';
      const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
      const served = async (): Promise<unknown> =>
        JSON.parse(
          (await httpsGet(`${url}/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1`, { ca })).body,
        );

      const refused = 'cannot reload the metrics file; keeping the last good values';
      await replace(metrics, 'pods: [');
      await eventually(() => count(refused) >= 1);
      // Counted when the server shows it handled the next change (its own log lines in between were
      // events in the directory; the watcher's unit tests count that they cause no read).
      await replace(metrics, podFile('500m'));
      await eventually(() => count('"msg":"reloaded the metrics file"') === 1);
      expect(count(refused)).toBe(1);

      await writeFile(metrics, '');
      await eventually(() => count(refused) >= 2);
      expect(log()).toContain(`metrics file ${metrics} is empty`);
      expect(await served()).toMatchObject({ containers: [{ usage: { cpu: '500m' } }] });
      // Written in place after the empty file: its truncation is the same empty content, not reported again.
      await writeFile(metrics, podFile('750m'));
      await eventually(() => count('"msg":"reloaded the metrics file"') === 2);
      expect(count(refused)).toBe(2);
      expect(await served()).toMatchObject({ containers: [{ usage: { cpu: '750m' } }] });

      started.kill('SIGTERM');
      expect(await exited).toBe(0);
      child = undefined;
    }, 60_000);
  },
);
