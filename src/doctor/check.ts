/** A doctor check: a name (for `--check`), one line of what it looks at, and its run. */
import type { DoctorContext } from './context.js';
import type { CheckResult } from './result.js';

export interface DoctorCheck {
  /** Lower-case, e.g. `apiservice`; results are named `<name>` or `<name>/<subject>`. */
  readonly name: string;
  /** What it checks, for `--help` and docs/doctor.md. */
  readonly title: string;
  /**
   * How many times the run's per-check deadline this check may take: a check whose work grows
   * with the cluster (one replay per HPA) gets more than one that reads a handful of objects.
   */
  readonly deadlineFactor?: number;
  /**
   * Read-only. Resolves with at least one result; a failure to read what it needs (403, timeout)
   * is a `not-checked` result, not a rejection (a rejection is reported the same way by the runner).
   */
  run(context: DoctorContext): Promise<CheckResult[]>;
}
