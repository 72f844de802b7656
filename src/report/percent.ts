/**
 * Exact percentages. A {@link Percent} keeps the ratio as two bigints, so comparisons and sums never
 * drift; it is rounded only when a printer asks for a number or a string. A zero (or missing)
 * denominator has no percentage: the helpers return `undefined`, which printers show as `-`, never
 * `NaN` or `Infinity`.
 */

const NANOS_PER_UNIT = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;

/** An exact ratio `numerator / denominator`, read as a percentage (`× 100`). */
export class Percent {
  /** The part, in any unit shared with the denominator (kubemetrics uses nanos). */
  readonly numerator: bigint;
  /** The whole; never zero. A negative whole is normalised away (the sign moves to the numerator). */
  readonly denominator: bigint;

  /** @throws RangeError when `denominator` is zero: use {@link percentOf} for inputs that may be. */
  constructor(numerator: bigint, denominator: bigint) {
    if (denominator === 0n) throw new RangeError('Percent denominator must not be zero');
    if (denominator < 0n) {
      numerator = -numerator;
      denominator = -denominator;
    }
    this.numerator = numerator;
    this.denominator = denominator;
  }

  /** The percentage as a float (`25` for one quarter). Exact input, one rounding at the end. */
  toNumber(): number {
    const scaled = this.numerator * 100n;
    // Integer part exactly, then the fraction: keeps precision when both sides exceed 2^53.
    const whole = scaled / this.denominator;
    const rest = scaled % this.denominator;
    return Number(whole) + Number(rest) / Number(this.denominator);
  }

  /**
   * The percentage rounded half away from zero to `decimals` places, with a `%` sign:
   * `format(0)` of 2/3 is `"67%"`, `format(1)` is `"66.7%"`.
   */
  format(decimals = 0): string {
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
      throw new RangeError(`decimals must be an integer from 0 to 20, got ${decimals}`);
    }
    const scale = 10n ** BigInt(decimals);
    const negative = this.numerator < 0n;
    const num = (negative ? -this.numerator : this.numerator) * 100n * scale;
    let q = num / this.denominator;
    if ((num % this.denominator) * 2n >= this.denominator) q += 1n;
    let digits = q.toString();
    if (decimals > 0) {
      digits = digits.padStart(decimals + 1, '0');
      digits = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
    }
    return `${negative && q !== 0n ? '-' : ''}${digits}%`;
  }

  /** Exact comparison (cross-multiplied): -1, 0 or 1. */
  compare(other: Percent): -1 | 0 | 1 {
    const a = this.numerator * other.denominator;
    const b = other.numerator * this.denominator;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** The JSON form is the float percentage. */
  toJSON(): number {
    return this.toNumber();
  }

  /** Same as `format(0)`. */
  toString(): string {
    return this.format(0);
  }
}

/**
 * `part` as a percentage of `whole`, exactly. `undefined` when either side is unknown or `whole`
 * is zero: "no percentage" rather than 0, NaN or Infinity.
 */
export function percentOf(part: bigint | undefined, whole: bigint | undefined): Percent | undefined {
  if (part === undefined || whole === undefined || whole === 0n) return undefined;
  return new Percent(part, whole);
}

function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d > 0n ? q + 1n : q;
}

/**
 * The integer percentage `kubectl describe node` prints in "Allocated resources", bit for bit:
 * both amounts rounded up to millicores (cpu) or whole units (everything else) as
 * `Quantity.MilliValue()` / `Value()` do, divided as float64, times 100, truncated toward zero
 * (k8s.io/kubectl pkg/describe/describe.go describeNodeResource: `float64(req.MilliValue()) /
 * float64(alloc.MilliValue()) * 100`, printed with `%d` of `int64(...)`). The float step means it
 * can be one below the exact value: 290m of 1 CPU is `28`, not 29. `undefined` when `whole` is zero
 * (kubectl prints 0% there; we print `-`, "no basis").
 *
 * @param part amount in nanos, e.g. the node's summed requests
 * @param whole amount in nanos, e.g. the node's allocatable
 * @param resource resource name; `cpu` compares millicores, anything else whole units
 */
export function kubectlPercent(part: bigint, whole: bigint, resource: string): number | undefined {
  return truncatedPercent(part, whole, resource === 'cpu' ? NANOS_PER_MILLI : NANOS_PER_UNIT);
}

/**
 * The integer usage percentage `kubectl top node` prints, bit for bit: usage and allocatable
 * rounded up to millis for every resource (memory too), divided as float64, times 100, truncated
 * (k8s.io/kubectl pkg/metricsutil/metrics_printer.go printNodeMetrics:
 * `int64(float64(quantity.MilliValue()) / float64(available.MilliValue()) * 100)`). `undefined`
 * when `whole` is zero.
 */
export function kubectlUsagePercent(part: bigint, whole: bigint): number | undefined {
  return truncatedPercent(part, whole, NANOS_PER_MILLI);
}

function truncatedPercent(part: bigint, whole: bigint, unit: bigint): number | undefined {
  const w = ceilDiv(whole, unit);
  if (w === 0n) return undefined;
  const p = ceilDiv(part, unit);
  return Math.trunc((Number(p) / Number(w)) * 100);
}
