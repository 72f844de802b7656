/**
 * `kubemetrics doctor`: runs the checks of src/doctor/ against the cluster of the kubeconfig and
 * prints them for people (table) or scripts (json); exit 1 when a problem was found.
 */
import { parseArgs } from 'node:util';
import { ClusterAccess } from '../../apiserver/auth/cluster-access.js';
import {
  CHECKS,
  DOCTOR_GROUPS,
  runDoctor,
  selectChecks,
  type DoctorCluster,
  type DoctorGroup,
  type DoctorReport,
} from '../../doctor/index.js';
import { isKubemetricsError } from '../../errors.js';
import {
  CLUSTER_FLAGS,
  clusterOptions,
  connect,
  loadClusterConfig,
  parseDurationFlag,
} from '../cluster-options.js';
import { EXIT_OK, EXIT_RUNTIME_ERROR, type Command } from '../command.js';
import { colorEnabled, writeLine, type CliIO } from '../io.js';
import { parseOutput, writeStructured } from '../output.js';
import { UsageError } from '../usage-error.js';

const FLAGS = {
  ...CLUSTER_FLAGS,
  group: { type: 'string', multiple: true },
  check: { type: 'string', multiple: true },
  namespace: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o' },
  'check-timeout': { type: 'string' },
} as const;

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: FLAGS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'doctor');
  }
}

const splitList = (values: readonly string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');

function parseGroups(values: readonly string[] | undefined): { groups: DoctorGroup[]; explicit: boolean } {
  const names = splitList(values);
  if (names.length === 0 || names.includes('all')) return { groups: [...DOCTOR_GROUPS], explicit: false };
  const bad = names.filter((n) => !(DOCTOR_GROUPS as readonly string[]).includes(n));
  if (bad.length > 0)
    throw new UsageError(
      `--group must be metrics, custom, external or all, got ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
      'doctor',
    );
  return { groups: names as DoctorGroup[], explicit: true };
}

/** `--check-timeout`: how long one check may take; more than 0 (a check that may not run is no check). */
function parseCheckTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDurationFlag(text, '--check-timeout', 'doctor');
  if (ms <= 0) throw new UsageError(`--check-timeout must be more than 0, got "${text}"`, 'doctor');
  return ms;
}

function parseChecks(values: readonly string[] | undefined): string[] | undefined {
  const names = splitList(values);
  if (names.length === 0) return undefined;
  try {
    selectChecks(CHECKS, names);
  } catch (error) {
    throw new UsageError(
      `--check: ${(error as Error).message}`,
      'doctor',
      isKubemetricsError(error) ? error.hint : undefined,
    );
  }
  return names;
}

const LABEL = { ok: 'ok', warning: 'warning', problem: 'PROBLEM', 'not-checked': 'not-checked' } as const;
const COLOR = { ok: 32, warning: 33, problem: 31, 'not-checked': 90 } as const;

function printTable(report: DoctorReport, io: CliIO): void {
  const color = colorEnabled(io);
  const width = Math.max(...report.checks.map((c) => c.name.length), 5);
  const statusWidth = 11;
  const indent = ' '.repeat(statusWidth + 2 + width + 2);
  writeLine(io.stdout, `${'STATUS'.padEnd(statusWidth)}  ${'CHECK'.padEnd(width)}  SUMMARY`);
  for (const c of report.checks) {
    const label = LABEL[c.status].padEnd(statusWidth);
    const shown = color ? `\u001b[${COLOR[c.status]}m${label}\u001b[0m` : label;
    writeLine(io.stdout, `${shown}  ${c.name.padEnd(width)}  ${c.summary}`);
    if (c.status === 'ok') continue;
    for (const key of ['cause', 'evidence', 'fix'] as const) {
      const text = c[key];
      if (text !== undefined) writeLine(io.stdout, `${indent}${`${key}:`.padEnd(10)}${text}`);
    }
  }
  writeLine(io.stdout);
  const notChecked = report.checks.filter((c) => c.status === 'not-checked').length;
  writeLine(
    io.stdout,
    `${report.problems} problem(s), ${report.warnings} warning(s), ${notChecked} not checked, ${report.checks.length - report.problems - report.warnings - notChecked} ok`,
  );
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const { values } = parse(args);
  const output = parseOutput(values.output, ['json'] as const, 'doctor');
  const { groups, explicit } = parseGroups(values.group);
  const only = parseChecks(values.check);
  const checkTimeoutMs = parseCheckTimeout(values['check-timeout']);
  if (values.namespace === '') throw new UsageError('-n/--namespace needs a namespace name', 'doctor');
  const options = clusterOptions(values, 'doctor');
  const config = await loadClusterConfig(options, io);
  const { kubeConfig } = config;
  // One retry: a metrics API that answers 503 is a finding, not something to wait out.
  const client = await connect(options, io, { config, client: { retries: 1 } });
  const access = ClusterAccess.fromKubeConfig(kubeConfig, {
    context: options.context,
    timeoutMs: options.timeoutMs === 0 ? undefined : options.timeoutMs,
  });
  const cluster: DoctorCluster = {
    get: (path, signal, query) => client.getRaw(path, { signal, query }),
    post: (path, body, signal) => access.postJSON(path, body, signal),
    client,
  };
  try {
    const report = await runDoctor(cluster, {
      groups,
      explicitGroups: explicit,
      namespace: values.namespace,
      only,
      ...(checkTimeoutMs === undefined ? {} : { checkTimeoutMs }),
      signal: io.signal,
    });
    if (output === 'json') await writeStructured(io, 'json', report);
    else printTable(report, io);
    const checked = report.checks.some((c) => c.status !== 'not-checked');
    if (!checked) writeLine(io.stderr, 'error: nothing could be checked (see the reasons above)');
    return report.problems > 0 || !checked ? EXIT_RUNTIME_ERROR : EXIT_OK;
  } finally {
    await Promise.all([client.close(), access.close()]);
  }
}

export const doctorCommand: Command = { name: 'doctor', flags: FLAGS, run };
