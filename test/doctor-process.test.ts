/**
 * kubemetrics doctor as a process: the built binary's exit status (0 healthy, 1 a problem, 2 a
 * usage error), JSON that parses with the documented shape, the table with cause/evidence/fix,
 * and `--check` running one check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBinaryBuilt, runBinary } from './helpers/cli.js';
import { startDoctorFixture, type DoctorFixture, type DoctorJson } from './helpers/doctor-fixture.js';

let fixture: DoctorFixture;
beforeAll(async () => {
  assertBinaryBuilt();
  fixture = await startDoctorFixture();
});
afterAll(() => fixture.stop());

/** The binary with a generous check deadline unless the test sets one (see doctor-fixture.ts). */
const doctor = (args: string[]) =>
  runBinary([
    'doctor',
    '--kubeconfig',
    fixture.cluster.kubeconfigPath,
    ...(args.includes('--check-timeout') ? [] : ['--check-timeout', '60s']),
    ...args,
  ]);

describe('kubemetrics doctor (built binary)', () => {
  it('healthy: exit 0 and -o json with {checks: [{name, status, summary, ...}], problems, warnings}', async () => {
    const run = await doctor(['-o', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout.toString()) as DoctorJson;
    expect(Object.keys(report).sort()).toEqual(['checks', 'problems', 'warnings']);
    expect(report).toMatchObject({ problems: 0, warnings: 0 });
    for (const check of report.checks) {
      expect(
        Object.keys(check).every((k) =>
          ['name', 'status', 'summary', 'cause', 'evidence', 'fix'].includes(k),
        ),
      ).toBe(true);
      expect(['ok', 'warning', 'problem', 'not-checked']).toContain(check.status);
    }
  });

  it('--check certificate runs that check only', async () => {
    const run = await doctor(['-o', 'json', '--check', 'certificate']);
    const report = JSON.parse(run.stdout.toString()) as DoctorJson;
    expect(report.checks.length).toBeGreaterThan(0);
    expect(report.checks.every((c) => c.name.startsWith('certificate/'))).toBe(true);
    expect(run.code).toBe(0);
  });

  it('usage errors exit 2 naming the choices', async () => {
    const unknown = await doctor(['--check', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown check "nope"');
    expect(unknown.stderr).toContain('apiservice, service, certificate');
    const group = await doctor(['--group', 'bogus']);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('--group must be metrics, custom, external or all');
    expect((await doctor(['-o', 'yaml'])).code).toBe(2);
  });

  it('--check-timeout bounds each check: a stalled API server makes it not-checked (exit 1), not a hang', async () => {
    // The API server accepts the request and never answers (a frozen proxy): only the check's own
    // deadline can end it, since --request-timeout 0 lifts the per-request one.
    fixture.cluster.injectFault({
      path: '/apis/apiregistration.k8s.io/v1/apiservices',
      hang: true,
      times: Infinity,
    });
    try {
      const run = await doctor([
        '-o',
        'json',
        '--check',
        'apiservice',
        '--check-timeout',
        '1500ms',
        '--request-timeout',
        '0',
      ]);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout.toString()) as DoctorJson;
      expect(report.checks).toEqual([
        expect.objectContaining({
          status: 'not-checked',
          summary: expect.stringContaining('did not finish within 1.5 s') as unknown,
        }),
      ]);
      expect(run.stderr).toContain('nothing could be checked');
    } finally {
      fixture.cluster.clearFaults();
    }
  });

  it('--check-timeout must be a duration above 0 (exit 2 naming the flag)', async () => {
    for (const value of ['0', 'soon', '-1s']) {
      const run = await doctor(['--check-timeout', value]);
      expect(run.code, value).toBe(2);
      expect(run.stderr, value).toContain('--check-timeout');
    }
  });

  it('a problem: exit 1, the table shows PROBLEM with cause, evidence and fix', async () => {
    fixture.cluster.deleteObject('Service', 'kubemetrics', 'kubemetrics-apiserver');
    await fixture.cluster.syncAPIServices();
    const run = await doctor(['--check', 'apiservice,service']);
    expect(run.code).toBe(1);
    const out = run.stdout.toString();
    expect(out).toMatch(/^STATUS\s+CHECK\s+SUMMARY$/m);
    expect(out).toMatch(/^PROBLEM\s+apiservice\/v1beta2\.custom\.metrics\.k8s\.io\s+.*ServiceNotFound/m);
    expect(out).toMatch(/^\s+cause:\s+the APIService points to service kubemetrics\/kubemetrics-apiserver/m);
    expect(out).toMatch(/^\s+fix:\s+Install the adapter/m);
    expect(out).toMatch(/problem\(s\), 0 warning\(s\)/);
  });
});
