/**
 * Go `time.Duration`, the wire form of `metav1.Duration` (the `window` field of `NodeMetrics` /
 * `PodMetrics`, durations in config files): parsed as `time.ParseDuration` reads it and formatted
 * as `time.Duration.String()` writes it (`30s`, `1m30s`, `20.033s`, `1h0m0s`, `500ms`, `0s`).
 * The one Go-duration module: the client decodes windows with it, the API server encodes them,
 * config files are checked with it. Prometheus durations (`5m`, `1d`, `1w`, `1y`, no fractions)
 * are another format, parsed in providers/prometheus/prometheus-duration.ts.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};
const GO_DURATION = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/**
 * Parses a Go `time.Duration` string (`20.033s`, `1m0s`, `1.5h`, `0`) into seconds; `undefined`
 * when it is not one (no `d`: Go has no day unit).
 */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  if (!GO_DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const match of text.matchAll(GO_DURATION_PART)) {
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? 0);
  }
  // Floating-point sums like 0.033 + 20 drift in the last bits; round to whole nanoseconds.
  seconds = Math.round(seconds * 1e9) / 1e9;
  return text.startsWith('-') ? -seconds : seconds;
}

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
