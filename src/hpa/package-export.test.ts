/**
 * `kubemetrics/hpa` as a user imports it: the package's `./hpa` subpath export resolves to the
 * built module (dist/, from `npm run build`, which `npm test` runs first) in a separate Node process.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('package export kubemetrics/hpa', () => {
  it('resolves from the package and computes a decision', async () => {
    expect(existsSync(`${root}dist/hpa/index.js`), 'dist/hpa is missing: run npm run build').toBe(true);
    const script = `
      const { decideHpa } = await import('kubemetrics/hpa');
      const pod = (name) => ({ name, phase: 'Running', startTime: 0, ready: { status: 'True', lastTransitionTime: 0 },
        containers: [{ name: 'app', requests: { cpu: '500m' } }] });
      const d = decideHpa({
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 10 },
        scale: { specReplicas: 2, statusReplicas: 2 },
        pods: [pod('a'), pod('b')],
        metrics: [{ samples: [{ pod: 'a', milli: 900n, timestamp: 1e12, windowMs: 30000 }, { pod: 'b', milli: 900n, timestamp: 1e12, windowMs: 30000 }] }],
        now: 1e12,
        lastScaleTime: 0,
      });
      process.stdout.write(JSON.stringify({ proposal: d.metrics[0].proposedReplicas, range: d.desiredReplicasRange }));
    `;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: root }, (error, out, err) => {
        if (error) reject(new Error(`${error.message}\n${err}`));
        else resolve(out);
      });
    });
    // 900m of 500m = 180 % against the default 80 % target: ceil(2.25 x 2) = 5, and an HPA without
    // behavior may at most double in one step (at least to 4): 4, whatever the history.
    expect(JSON.parse(stdout)).toEqual({ proposal: 5, range: { min: 4, max: 4 } });
  });
});
