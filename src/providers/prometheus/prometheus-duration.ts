/**
 * Prometheus durations (`model.ParseDuration` in prometheus/common): one or more `<number><unit>`
 * terms from largest to smallest unit, units `y` (365d), `w`, `d`, `h`, `m`, `s`, `ms`, no
 * fractions: `5m`, `1h30m`, `2d`, `500ms`. This is the format of the adapter config's
 * `resourceRules.window` and of the range selectors in queries (`rate(x[5m])`), which is why it is
 * not Go's `time.ParseDuration` (no `d`, `w`, `y`; allows fractions), which src/api/go-duration.ts parses.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const TERM = /(\d+)(ms|y|w|d|h|m|s)/y;

/** Milliseconds of a Prometheus duration, or `undefined` when `text` is not one. */
export function parsePrometheusDuration(text: string): number | undefined {
  if (text === '0') return 0;
  let total = 0;
  let position = 0;
  let lastUnit = -1;
  while (position < text.length) {
    TERM.lastIndex = position;
    const match = TERM.exec(text);
    if (match === null) return undefined;
    const unit = match[2] ?? '';
    const order = UNIT_ORDER.indexOf(unit);
    // Units must go from largest to smallest, each at most once (as Prometheus requires).
    if (order <= lastUnit) return undefined;
    lastUnit = order;
    total += Number(match[1]) * (UNIT_MS[unit] ?? 0);
    position = TERM.lastIndex;
  }
  return position === 0 ? undefined : total;
}

/** The range durations of a PromQL expression (`[5m]`, `[1h:30s]` gives 1h), in milliseconds. */
export function rangeDurations(promql: string): number[] {
  const out: number[] = [];
  for (const match of promql.matchAll(/\[\s*([0-9a-z]+)\s*(?::[^\]]*)?\]/g)) {
    const ms = parsePrometheusDuration(match[1] ?? '');
    if (ms !== undefined) out.push(ms);
  }
  return out;
}
