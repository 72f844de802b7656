/**
 * Runs the checks concurrently, each bounded in time; a check that throws or does not finish is
 * reported as not-checked with the reason, never dropped. Read-only: checks only GET, plus POST
 * of access reviews (which change nothing).
 */
import { setMaxListeners } from 'node:events';
import { KubemetricsError } from '../errors.js';
import type { DoctorGroup } from './apis.js';
import type { DoctorCheck } from './check.js';
import { CHECKS } from './checks/index.js';
import { DoctorContext, type DoctorCluster } from './context.js';
import { notChecked, type CheckResult } from './result.js';

export interface DoctorRunOptions {
  readonly groups: readonly DoctorGroup[];
  readonly explicitGroups?: boolean;
  readonly namespace?: string | undefined;
  /** Names of checks to run (`--check`); all when absent. */
  readonly only?: readonly string[] | undefined;
  /** Deadline of each check in ms (default 10 000). */
  readonly checkTimeoutMs?: number;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  /** The checks to choose from (tests add their own); default {@link CHECKS}. */
  readonly checks?: readonly DoctorCheck[];
}

export interface DoctorReport {
  readonly checks: readonly CheckResult[];
  readonly problems: number;
  readonly warnings: number;
}

const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/** The checks `--check` names, or a usage error naming the known ones. */
export function selectChecks(
  all: readonly DoctorCheck[],
  names: readonly string[] | undefined,
): DoctorCheck[] {
  if (names === undefined || names.length === 0) return [...all];
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `unknown check ${unknown.map((n) => JSON.stringify(n)).join(', ')}`,
      {
        hint: `checks: ${all.map((c) => c.name).join(', ')}`,
      },
    );
  }
  return all.filter((c) => names.includes(c.name));
}

async function runOne(check: DoctorCheck, context: DoctorContext, timeoutMs: number): Promise<CheckResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult[]>((resolve) => {
    timer = setTimeout(
      () =>
        resolve([
          {
            name: check.name,
            status: 'not-checked',
            summary: `could not check ${check.name}: it did not finish within ${timeoutMs / 1000} s (a slow or unreachable API server or adapter)`,
          },
        ]),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      check.run(context).catch((error: unknown) => [notChecked(check.name, check.name, error)]),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runDoctor(cluster: DoctorCluster, options: DoctorRunOptions): Promise<DoctorReport> {
  const checks = selectChecks(options.checks ?? CHECKS, options.only);
  const controller = new AbortController();
  // Every concurrent request listens on this one signal; dozens in flight is the design, not a leak.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const context = new DoctorContext(
    cluster,
    {
      groups: options.groups,
      explicitGroups: options.explicitGroups ?? false,
      namespace: options.namespace,
      now: options.now ?? new Date(),
    },
    controller.signal,
  );
  try {
    const timeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    const results = (
      await Promise.all(checks.map((c) => runOne(c, context, timeoutMs * (c.deadlineFactor ?? 1))))
    ).flat();
    return {
      checks: results,
      problems: results.filter((r) => r.status === 'problem').length,
      warnings: results.filter((r) => r.status === 'warning').length,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // Requests of checks that timed out end here, so the process does not wait for them.
    controller.abort();
  }
}
