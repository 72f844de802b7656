/**
 * kubemetrics doctor against the test cluster: a healthy install of deploy/metrics-apiserver/
 * reports nothing, and each failure class is found with its cause and fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDoctorFixture, type DoctorFixture } from './helpers/doctor-fixture.js';

let fixture: DoctorFixture | undefined;
afterEach(async () => {
  await fixture?.stop();
  fixture = undefined;
});

describe('kubemetrics doctor: healthy install', () => {
  it('deploy/metrics-apiserver with a real caBundle: 0 problems, 0 warnings, exit 0', async () => {
    fixture = await startDoctorFixture();
    const { code, report } = await fixture.doctor();
    const notOk = report.checks.filter((c) => c.status !== 'ok');
    expect(notOk, JSON.stringify(notOk, null, 2)).toEqual([]);
    expect(report.problems).toBe(0);
    expect(report.warnings).toBe(0);
    expect(code).toBe(0);
  });
});
