import { describe, expect, it } from 'vitest';
import { parseQuantity, tryParseQuantity } from './parse.js';
import { Quantity } from './quantity.js';
import { QuantityError } from './quantity-error.js';

// Input → canonical output. The vectors; most come from apimachinery quantity_test.go
// (TestQuantityParseEmit, TestQuantityString alternates, TestParseQuantity).
const CANONICAL: ReadonlyArray<readonly [string, string]> = [
  ['1Ki', '1Ki'],
  ['1024Mi', '1Gi'],
  ['1000M', '1G'],
  ['.001Ki', '1024m'],
  ['.000001Ki', '1024u'],
  ['.000000001Ki', '1024n'],
  ['.000000000001Ki', '2n'],
  ['307200Ki', '300Mi'],
  ['5000m', '5'],
  ['0.5', '500m'],
  ['0.001T', '1G'],
  ['1000u', '1m'],
  ['1.08', '1080m'],
  ['1080000000n', '1080m'],
  ['.001e12', '1e9'],
  ['0.001e0', '1e-3'],
  ['1000e-12', '1e-9'],
  ['00', '0'],
  ['999999999999999999.1', '999999999999999999100m'],
  ['1000000000000000000', '1E'],
  ['1.0E', '1E'],
  ['10000000000000000000', '10E'],
  ['0.1m', '100u'],
  ['0.1', '100m'],
  ['1.5', '1500m'],
  ['2000m', '2'],
  ['999m', '999m'],
  ['250000u', '250m'],
  ['1000n', '1u'],
  ['1001n', '1001n'],
  ['0.9n', '1n'],
  ['1.5Gi', '1536Mi'],
  ['0.5Gi', '512Mi'],
  ['1.5Ki', '1536'],
  ['0.5Ki', '512'],
  ['1.1Gi', '1181116006400m'],
  ['100Mi', '100Mi'],
  ['4096Mi', '4Gi'],
  ['1048576Ki', '1Gi'],
  ['16393244Ki', '16393244Ki'],
  ['1000000', '1M'],
  ['1000k', '1M'],
  ['1.5k', '1500'],
  ['1.5G', '1500M'],
  ['2.5P', '2500T'],
  ['1E', '1E'],
  ['7Ei', '7Ei'],
  ['1e3', '1e3'],
  ['12e6', '12e6'],
  ['10e2', '1e3'],
  ['5e2', '500'],
  ['1.2e3', '1200'],
  ['1e-12', '1e-9'],
  ['-1', '-1'],
  ['-0', '0'],
  ['-1.5Gi', '-1536Mi'],
];

// More from apimachinery quantity_test.go: TestQuantityString (canonical ↔ alternate),
// TestParseQuantity (19/20-digit boundaries), TestQuantityParse ("things that saturate/round").
const GO_CANONICAL: ReadonlyArray<readonly [string, string]> = [
  ['1001Gi', '1001Gi'],
  ['1025024Mi', '1001Gi'],
  ['1024Gi', '1Ti'],
  ['6Ki', '6Ki'],
  ['80m', '80m'],
  ['1.0800', '1080m'],
  ['300M', '300M'],
  ['1T', '1T'],
  ['1234567M', '1234567M'],
  ['3k', '3k'],
  ['1025', '1025'],
  ['80e-3', '80e-3'],
  ['300e6', '300e6'],
  ['3e3', '3e3'],
  ['1080n', '1080n'],
  ['0.000001080', '1080n'],
  ['1080u', '1080u'],
  ['9999999999999999999', '9999999999999999999'],
  ['9999999999999999999.0', '9999999999999999999'],
  ['9999999999999999999000m', '9999999999999999999'],
  ['9999999999999999999.1', '9999999999999999999100m'],
  ['1.0000000000000000001E', '1000000000000000000100m'],
  ['1.000000000000000001E', '1000000000000000001'],
  ['-1.000000000000000001E', '-1000000000000000001'],
  ['10.0E', '10E'],
  ['-10000000000000000000000m', '-10E'],
  ['9223372036854775808', '9223372036854775808'],
  ['-9223372036854775809.1', '-9223372036854775809100m'],
  ['3.001n', '4n'],
  ['1.1E-9', '2e-9'],
  ['0.0000000001', '1n'],
  ['0.00000000050', '1n'],
  ['0.5e-9', '1e-9'],
  ['0.00000012345', '124n'],
  ['100.035k', '100035'],
  ['0.0005k', '500m'],
  ['1.3E+6', '1300e3'],
  ['1.40e9', '1400e6'],
  ['6.987654321G', '6987654321'],
  ['40.1T', '40100G'],
  ['1.01E', '1010P'],
  ['100.035Ki', '102435840m'],
  ['0.5Mi', '512Ki'],
  ['0.05Gi', '53687091200m'],
  ['.0001k', '100m'],
  ['1.', '1'],
  ['1.G', '1G'],
  ['+1.5', '1500m'],
  ['-.5m', '-500u'],
  ['0Ki', '0'],
  ['0e6', '0'],
];

describe('parseQuantity canonical form', () => {
  it.each(CANONICAL)('%s → %s (issue vectors)', (input, expected) => {
    expect(parseQuantity(input).toString()).toBe(expected);
  });

  it.each(GO_CANONICAL)('%s → %s (apimachinery quantity_test.go)', (input, expected) => {
    expect(parseQuantity(input).toString()).toBe(expected);
  });

  it.each(CANONICAL.filter(([, out]) => out !== '0'))('-(%s) → -(%s)', (input, expected) => {
    const negated = input.startsWith('-') ? input.slice(1) : `-${input}`;
    const want = expected.startsWith('-') ? expected.slice(1) : `-${expected}`;
    expect(parseQuantity(negated).toString()).toBe(want);
  });

  it('re-parsing the canonical form gives the same value', () => {
    for (const [input] of [...CANONICAL, ...GO_CANONICAL]) {
      const q = parseQuantity(input);
      expect(parseQuantity(q.toString()).nanos, input).toBe(q.nanos);
    }
  });

  it('prints the true canonical form where Go would echo the input (Go caches "1.001")', () => {
    expect(parseQuantity('1.001').toString()).toBe('1001m');
    expect(parseQuantity('+1').toString()).toBe('1');
    expect(parseQuantity('01').toString()).toBe('1');
  });

  it('has no int64 cap: Go caps BinarySI at 2^63-1, we keep "9Ei"', () => {
    expect(parseQuantity('9Ei').toString()).toBe('9Ei');
    expect(parseQuantity('9Ei').nanos).toBe(9n * 2n ** 60n * 10n ** 9n);
    expect(parseQuantity('100000E').toString()).toBe('100000E');
    expect(parseQuantity('1e21').toString()).toBe('1e21');
  });
});

// Exact values in nanos. From apimachinery quantity_test.go TestQuantityParse unless noted.
const VALUES: ReadonlyArray<readonly [string, bigint, Quantity['format']]> = [
  ['0', 0n, 'DecimalSI'],
  ['0n', 0n, 'DecimalSI'],
  ['0Ki', 0n, 'BinarySI'],
  ['1', 1_000_000_000n, 'DecimalSI'],
  ['8Ki', 8192n * 10n ** 9n, 'BinarySI'],
  ['3Ei', 3n * 2n ** 60n * 10n ** 9n, 'BinarySI'],
  ['5n', 5n, 'DecimalSI'],
  ['4u', 4000n, 'DecimalSI'],
  ['50k', 50n * 10n ** 12n, 'DecimalSI'],
  ['12E', 12n * 10n ** 27n, 'DecimalSI'],
  ['1E-3', 1_000_000n, 'DecimalExponent'],
  ['1e14', 10n ** 23n, 'DecimalExponent'],
  ['0.5e-2', 5_000_000n, 'DecimalExponent'],
  ['7.123456M', 7_123_456n * 10n ** 9n, 'DecimalSI'],
  ['0.0000000005', 1n, 'DecimalSI'],
  ['0.00000012354', 124n, 'DecimalSI'],
  ['0.025Ti', 27487790694400000000n, 'BinarySI'],
  // Go turns a binary value strictly between -1 and 1 into DecimalSI at parse time.
  ['0.000000000001Ki', 2n, 'DecimalSI'],
  ['.0001Ki', 102_400_000n, 'DecimalSI'],
  ['.0009765625Ki', 1_000_000_000n, 'BinarySI'],
  ['-0.5Ki', -512n * 10n ** 9n, 'BinarySI'],
  ['123456789n', 123_456_789n, 'DecimalSI'],
  ['16393244Ki', 16_393_244n * 1024n * 10n ** 9n, 'BinarySI'],
  ['1e-99999', 1n, 'DecimalExponent'],
  ['-1e-99999', -1n, 'DecimalExponent'],
  ['1234567890123456789012345n', 1234567890123456789012345n, 'DecimalSI'],
  ['0.1234567890123456789', 123456790n, 'DecimalSI'],
  ['123456789012345678Ki', 123456789012345678n * 1024n * 10n ** 9n, 'BinarySI'],
  ['0.0000000000000000001', 1n, 'DecimalSI'],
];

describe('parseQuantity values', () => {
  it.each(VALUES)('%s is %s nanos, %s', (input, nanos, format) => {
    const q = parseQuantity(input);
    expect(q.nanos).toBe(nanos);
    expect(q.format).toBe(format);
  });

  it('takes E alone as exa and E with digits as an exponent', () => {
    expect(parseQuantity('1E').nanos).toBe(10n ** 27n);
    expect(parseQuantity('1E').format).toBe('DecimalSI');
    expect(parseQuantity('1E3').nanos).toBe(10n ** 12n);
    expect(parseQuantity('1E3').format).toBe('DecimalExponent');
    expect(parseQuantity('1E+3').nanos).toBe(10n ** 12n);
    expect(parseQuantity('1Ei').format).toBe('BinarySI');
  });

  it('is the same as Quantity.parse', () => {
    expect(parseQuantity('128Mi')).toEqual(Quantity.parse('128Mi'));
  });
});

// Each rejected input with a fragment its message must contain. Several come from
// apimachinery quantity_test.go's invalid list ("1.1.M", "1+1.0M", "0.1mi", "aoeu", ".5i", "1i",
// "-3.01e-", " 1", "1 "); Go reads ".", "+", "-", "e3", "Ki" and "m" as zero, we reject them.
const REJECTED: ReadonlyArray<readonly [string, string]> = [
  ['', 'empty string'],
  ['1K', "unknown suffix 'K'; did you mean 'k' (10^3) or 'Ki' (2^10)?"],
  ['1ki', "did you mean 'Ki' (2^10)?"],
  ['1mi', "did you mean 'Mi' (2^20)?"],
  ['1i', 'a binary suffix needs its prefix'],
  ['1e', "exponent 'e' must be followed by an integer"],
  ['1EE', "unknown suffix 'EE'"],
  ['1.5e', "exponent 'e' must be followed by an integer"],
  ['1e-', "exponent sign 'e-' must be followed by digits"],
  ['1E+', "exponent sign 'E+' must be followed by digits"],
  ['1Gi5', "unexpected '5' at position 3 after suffix 'Gi'; the suffix must come last"],
  ['1e3k', "unexpected 'k' after exponent 'e3'; use an exponent or a suffix, not both"],
  ['1e1.5', "the exponent in 'e1.5' must be a whole number"],
  [' 1', 'whitespace at position 0'],
  ['1 ', 'whitespace at position 1'],
  ['1 Gi', 'whitespace at position 1'],
  ['1\tGi', 'whitespace at position 1'],
  ['abc', "expected a number at position 0, found 'a'"],
  ['aoeu', "found 'a'"],
  ['1.1.M', "unexpected second '.' at position 3"],
  ['1+1.0M', "unexpected '+' at position 1; a sign may only come first"],
  ['--1', "expected a number at position 1, found '-'"],
  ['0.1mi', "unknown suffix 'mi'; did you mean 'Mi' (2^20)?"],
  ['0.1am', "unknown suffix 'am'"],
  ['.5i', "unknown suffix 'i'"],
  ['1i', "unknown suffix 'i'"],
  ['-3.01i', "unknown suffix 'i'"],
  ['-3.01e-', "exponent sign 'e-'"],
  ['.', 'no digits; put a digit on at least one side of the point'],
  ['-.', 'no digits'],
  ['+', 'a sign must be followed by a number'],
  ['-', 'a sign must be followed by a number'],
  ['e3', 'missing number before exponent \'e3\'; write e.g. "1e3"'],
  ['Ki', 'missing number before suffix \'Ki\'; write e.g. "1Ki"'],
  ['m', "missing number before suffix 'm'"],
  ['1GB', "quantities have no byte unit, drop the B; did you mean 'G' (10^9) or 'Gi' (2^30)?"],
  ['512MiB', "did you mean 'Mi' (2^20)?"],
  ['1g', "did you mean 'G' (10^9) or 'Gi' (2^30)?"],
  ['1µ', "did you mean 'u' (10^-6)?"],
  ['1x', 'valid suffixes are n u m k M G T P E'],
  ['1e1001', 'exponent 1001 is too large; kubemetrics accepts exponents up to 1000'],
  ['1,5', "unknown suffix ',5'"],
  ['١', "expected a number at position 0, found '١'"],
];

describe('parseQuantity rejects', () => {
  it.each(REJECTED)('%j: %s', (input, fragment) => {
    let caught: unknown;
    try {
      parseQuantity(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QuantityError);
    const error = caught as QuantityError;
    expect(error.code).toBe('KUBEMETRICS_ERR_QUANTITY');
    expect(error.input).toBe(input);
    expect(error.message).toContain(`invalid quantity ${JSON.stringify(input)}: `);
    expect(error.message).toContain(fragment);
    expect(error.hint).toMatch(/^A quantity is a number/u);
  });

  it('reports the offending position', () => {
    expect(tryParseQuantity('1Gi5')).toMatchObject({ ok: false, error: { position: 3 } });
    expect(tryParseQuantity('12K')).toMatchObject({ ok: false, error: { position: 2 } });
    expect(tryParseQuantity('')).toMatchObject({ ok: false, error: { position: 0 } });
  });

  it('accepts large negative exponents (they round to 1n) but not large positive ones', () => {
    expect(parseQuantity('5e-1000000000000').nanos).toBe(1n);
    expect(parseQuantity('1e1000').nanos).toBe(10n ** 1009n);
    expect(() => parseQuantity('0e99999999999')).toThrow(QuantityError);
  });

  it('quotes a long input only in part, and keeps all of it in `input`', () => {
    const input = `${'1'.repeat(200)}x`;
    const error = tryParseQuantity(input);
    expect(error.ok).toBe(false);
    if (!error.ok) {
      expect(error.error.message).toContain(`"${'1'.repeat(64)}…"`);
      expect(error.error.input).toBe(input);
    }
  });

  it('rejects a non-string with a typed error (JavaScript callers, YAML numbers)', () => {
    expect(() => parseQuantity(2 as unknown as string)).toThrow(/expected a string, received number/u);
    expect(() => parseQuantity(null as unknown as string)).toThrow(/received null/u);
  });
});

describe('tryParseQuantity', () => {
  it('returns the value on success', () => {
    const r = tryParseQuantity('250m');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.nanos).toBe(250_000_000n);
  });

  it('returns the error instead of throwing', () => {
    const r = tryParseQuantity('1K');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(QuantityError);
      expect(r.error.input).toBe('1K');
    }
  });
});
