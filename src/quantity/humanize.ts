/**
 * Human-readable quantities for tables and messages (`1.5Gi`, `250m`, `3.2k`). Unlike the
 * canonical form these may round; the rounding is exact (bigint) and explicit: half away from
 * zero at the last shown digit.
 */
import type { QuantityFormat } from './format.js';
import { QuantityError } from './quantity-error.js';
import { BINARY_SUFFIXES, DECIMAL_SUFFIXES } from './suffix.js';
import { NANOS_PER_UNIT, divideHalfAwayFromZero, pow10n } from './scaling.js';

/** Options for {@link Quantity.humanize}. */
export interface HumanizeOptions {
  /**
   * The suffix to express the value in: one of `n u m k M G T P E`, `Ki Mi Gi Ti Pi Ei`, `''` for
   * plain units, or `'auto'` (the default) for the largest unit of the quantity's family that is
   * at most the value (binary units for a BinarySI value of at least 1Ki, decimal otherwise).
   */
  readonly unit?: string | undefined;
  /** Most digits after the point, an integer from 0 to 20; default 2. */
  readonly precision?: number | undefined;
  /** Keep trailing zeros (`1.50Gi` rather than `1.5Gi`), e.g. to align a table column. */
  readonly fixed?: boolean | undefined;
}

/** Every unit `humanize` accepts besides `'auto'`, with its size in nanos. */
const UNIT_NANOS: ReadonlyMap<string, bigint> = new Map<string, bigint>([
  ...DECIMAL_SUFFIXES.map((s, i): [string, bigint] => [s, pow10n(3 * i)]),
  ...BINARY_SUFFIXES.slice(1).map((s, i): [string, bigint] => [
    s,
    (1n << BigInt(10 * (i + 1))) * NANOS_PER_UNIT,
  ]),
]);

const DECIMAL_LADDER: readonly string[] = DECIMAL_SUFFIXES;
const BINARY_LADDER: readonly string[] = BINARY_SUFFIXES.slice(1);
const BINARY_AUTO_MIN = 1024n * NANOS_PER_UNIT;
const MAX_PRECISION = 20;

/** Formats a nano count for people; see {@link HumanizeOptions}. Throws {@link QuantityError} on bad options. */
export function humanizeNanos(nanos: bigint, format: QuantityFormat, options: HumanizeOptions = {}): string {
  const precision = options.precision ?? 2;
  if (!Number.isInteger(precision) || precision < 0 || precision > MAX_PRECISION) {
    throw new QuantityError(
      String(precision),
      `invalid humanize precision ${String(precision)}: expected an integer from 0 to ${MAX_PRECISION}`,
    );
  }
  const fixed = options.fixed ?? false;
  const unit = options.unit ?? 'auto';
  if (unit !== 'auto') {
    const size = UNIT_NANOS.get(unit);
    if (size === undefined) {
      throw new QuantityError(
        String(unit),
        `invalid humanize unit ${JSON.stringify(unit)}: expected 'auto', '' (plain units), ` +
          'one of n u m k M G T P E, or one of Ki Mi Gi Ti Pi Ei',
      );
    }
    return render(nanos, size, unit, precision, fixed);
  }

  const magnitude = nanos < 0n ? -nanos : nanos;
  if (magnitude === 0n) return render(0n, 1n, '', precision, fixed);
  const binary = format === 'BinarySI' && magnitude >= BINARY_AUTO_MIN;
  const ladder = binary ? BINARY_LADDER : DECIMAL_LADDER;
  const base = binary ? 1024n : 1000n;
  let index = 0;
  while (index + 1 < ladder.length && sizeOf(ladder[index + 1]) <= magnitude) index++;
  // Rounding can carry into the next unit (999.996k at precision 2 is 1000k): show 1M instead.
  const scale = pow10n(precision);
  const size = sizeOf(ladder[index]);
  if (index + 1 < ladder.length) {
    const rounded = divideHalfAwayFromZero(magnitude * scale, size);
    if (rounded >= base * scale) index++;
  }
  const chosen = ladder[index] ?? '';
  return render(nanos, sizeOf(chosen), chosen, precision, fixed);
}

function sizeOf(unit: string | undefined): bigint {
  return UNIT_NANOS.get(unit ?? '') ?? NANOS_PER_UNIT;
}

function render(nanos: bigint, unitNanos: bigint, unit: string, precision: number, fixed: boolean): string {
  const scale = pow10n(precision);
  const rounded = divideHalfAwayFromZero(nanos * scale, unitNanos);
  const negative = rounded < 0n;
  const magnitude = negative ? -rounded : rounded;
  const whole = (magnitude / scale).toString();
  let fraction = precision === 0 ? '' : (magnitude % scale).toString().padStart(precision, '0');
  if (!fixed) {
    let end = fraction.length;
    while (end > 0 && fraction.charCodeAt(end - 1) === 48 /* '0' */) end--;
    fraction = fraction.slice(0, end);
  }
  // A value that rounds to zero prints as 0, never -0.
  const sign = negative ? '-' : '';
  return fraction === '' ? `${sign}${whole}${unit}` : `${sign}${whole}.${fraction}${unit}`;
}
