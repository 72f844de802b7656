/**
 * Go `time.Duration.String()` formatting, the wire form of `metav1.Duration` (the `window` field
 * of `NodeMetrics` / `PodMetrics`): `30s`, `1m30s`, `20.033s`, `1h0m0s`, `500ms`, `0s`.
 */

const NS_PER_US = 1000n;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** `value / unit` as a decimal with trailing zeros trimmed: (1500n, 1000n) → `1.5`. */
function decimal(value: bigint, unit: bigint, fractionDigits: number): string {
  const whole = value / unit;
  const fraction = value % unit;
  if (fraction === 0n) return whole.toString();
  const digits = fraction.toString().padStart(fractionDigits, '0').replace(/0+$/, '');
  return `${whole}.${digits}`;
}

/** Formats a duration given in nanoseconds exactly as Go's `time.Duration.String()` does. */
export function formatGoDurationNanos(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const d = nanos < 0n ? -nanos : nanos;
  if (d < NS_PER_US) return `${sign}${d}ns`;
  if (d < NS_PER_MS) return `${sign}${decimal(d, NS_PER_US, 3)}µs`;
  if (d < NS_PER_S) return `${sign}${decimal(d, NS_PER_MS, 6)}ms`;
  const hours = d / (3600n * NS_PER_S);
  const minutes = (d / (60n * NS_PER_S)) % 60n;
  const seconds = decimal(d % (60n * NS_PER_S), NS_PER_S, 9);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** Formats seconds (fractions kept to the nanosecond) as a Go duration: 90 → `1m30s`. */
export function formatGoDuration(seconds: number): string {
  return formatGoDurationNanos(BigInt(Math.round(seconds * 1e9)));
}
