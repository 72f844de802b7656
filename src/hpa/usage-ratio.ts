/**
 * Averages and ratios as metrics/utilization.go computes them: integer (int64) sums and
 * truncating divisions, then a float64 ratio. Sums use bigint, which is what upstream's exact
 * (big.Int) fallback does when int64 would overflow, so both paths agree with it.
 */
const INT32_MAX = 2147483647n;
const INT32_MIN = -2147483648n;

export interface UtilizationRatio {
  readonly ok: true;
  /** `utilization / target`. */
  readonly ratio: number;
  /** Percent of the requests, truncated: `sum(usage) * 100 / sum(requests)`. */
  readonly utilization: number;
  /** Average usage per counted pod (milli-units), truncated. */
  readonly rawAverageMilli: bigint;
  readonly usageTotalMilli: bigint;
  readonly requestTotalMilli: bigint;
  /** Pods whose usage and request entered the sums. */
  readonly counted: number;
}

export type Failure = { readonly ok: false; readonly message: string };

/**
 * `GetResourceUtilizationRatio`: only pods with both a value and a request count (a sample for a
 * pod outside the selector has no request and is skipped).
 */
export function resourceUtilizationRatio(
  values: ReadonlyMap<string, bigint>,
  requests: ReadonlyMap<string, bigint>,
  targetUtilization: number,
): UtilizationRatio | Failure {
  let usage = 0n;
  let request = 0n;
  let counted = 0;
  for (const [pod, value] of values) {
    const r = requests.get(pod);
    if (r === undefined) continue;
    usage += value;
    request += r;
    counted++;
  }
  if (request === 0n) return { ok: false, message: 'no metrics returned matched known pods' };
  const percent = (usage * 100n) / request;
  if (percent < INT32_MIN || percent > INT32_MAX) {
    return { ok: false, message: `resource utilization ${percent} is outside the int32 range` };
  }
  const utilization = Number(percent);
  return {
    ok: true,
    ratio: utilization / targetUtilization,
    utilization,
    rawAverageMilli: usage / BigInt(counted),
    usageTotalMilli: usage,
    requestTotalMilli: request,
    counted,
  };
}

export interface UsageRatio {
  /** `usage / target`. */
  readonly ratio: number;
  /** Average over every value (milli-units), truncated. */
  readonly usageMilli: bigint;
}

/** `GetMetricUsageRatio`: the plain average over all values, superfluous ones included. */
export function metricUsageRatio(values: ReadonlyMap<string, bigint>, targetMilli: bigint): UsageRatio {
  let total = 0n;
  for (const value of values.values()) total += value;
  const usageMilli = total / BigInt(values.size);
  return { ratio: Number(usageMilli) / Number(targetMilli), usageMilli };
}

export const INT32_MAX_NUMBER = 2147483647;
export const INT64_MAX = 9223372036854775807n;

/** `int32(math.Ceil(x))` with the cap upstream applies where a result can overflow int32. */
export function ceilReplicas(x: number): number {
  const c = Math.ceil(x);
  return c > INT32_MAX_NUMBER ? INT32_MAX_NUMBER : c;
}
