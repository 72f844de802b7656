/**
 * Explanations for rejected quantity text. The scanner calls these only after it has decided the
 * input is invalid, so this file favours precise, actionable messages over speed: it names what
 * was found, where, and what to write instead.
 */
import { QuantityError, QUANTITY_SYNTAX_HINT, quoteInput } from './quantity-error.js';

/** What each valid suffix means, for "did you mean" suggestions. */
const SUFFIX_MEANING: Readonly<Record<string, string>> = {
  n: '10^-9',
  u: '10^-6',
  m: '10^-3',
  k: '10^3',
  M: '10^6',
  G: '10^9',
  T: '10^12',
  P: '10^15',
  E: '10^18',
  Ki: '2^10',
  Mi: '2^20',
  Gi: '2^30',
  Ti: '2^40',
  Pi: '2^50',
  Ei: '2^60',
};
const KNOWN_SUFFIXES = Object.keys(SUFFIX_MEANING);
const BINARY_PREFIXES = 'KMGTPE';
const DECIMAL_LETTERS = 'numkMGTPE';

function fail(input: string, position: number, reason: string): QuantityError {
  return new QuantityError(input, `invalid quantity ${quoteInput(input)}: ${reason}`, {
    position,
    hint: QUANTITY_SYNTAX_HINT,
  });
}

/** Whitespace is the most common copy-paste mistake, so it is reported first wherever it is. */
function whitespace(input: string): QuantityError | undefined {
  const at = input.search(/\s/u);
  if (at < 0) return undefined;
  return fail(
    input,
    at,
    `whitespace at position ${at}; a quantity contains no spaces (write "1Gi", not "1 Gi"; trim the text first)`,
  );
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/**
 * Length of the valid suffix or exponent token at the start of `s` (0 if there is none), e.g.
 * 2 for "Gi5", 3 for "e-3x", 1 for "mi".
 */
function suffixTokenLength(s: string): number {
  const c = s[0];
  if (c === undefined) return 0;
  if (s[1] === 'i' && BINARY_PREFIXES.includes(c)) return 2;
  if (c === 'e' || (c === 'E' && (s[1] === '+' || s[1] === '-' || isDigit(s[1])))) {
    let j = 1;
    if (s[j] === '+' || s[j] === '-') j++;
    const digitsStart = j;
    while (isDigit(s[j])) j++;
    return j > digitsStart ? j : 0;
  }
  return DECIMAL_LETTERS.includes(c) ? 1 : 0;
}

function isExponentToken(token: string): boolean {
  return token[0] === 'e' || (token[0] === 'E' && token.length > 1);
}

/** The input has no digits before `at`: a bare sign, a bare point, a lone suffix, or no number. */
export function explainNoNumber(input: string, at: number): QuantityError {
  const ws = whitespace(input);
  if (ws) return ws;
  if (input.length === 0) {
    return fail(
      input,
      0,
      'empty string; write a number with an optional suffix, e.g. "1", "250m" or "128Mi"',
    );
  }
  const rest = input.slice(at);
  if (rest === '') {
    return input.includes('.')
      ? fail(input, at, 'no digits; put a digit on at least one side of the point, e.g. "0.5" or ".5"')
      : fail(input, at, 'a sign must be followed by a number, e.g. "-1" or "+500m"');
  }
  const token = suffixTokenLength(rest);
  if (token === rest.length) {
    const what = isExponentToken(rest) ? `exponent '${rest}'` : `suffix '${rest}'`;
    return fail(input, at, `missing number before ${what}; write e.g. "1${rest}"`);
  }
  return fail(
    input,
    at,
    `expected a number at position ${at}, found '${rest[0] ?? ''}'; ` +
      'a quantity starts with digits, e.g. "1", "0.5" or "250m"',
  );
}

/** The number ends at `at` and what follows is not one valid suffix. */
export function explainSuffix(input: string, at: number): QuantityError {
  const ws = whitespace(input);
  if (ws) return ws;
  const rest = input.slice(at);
  const c = rest[0] ?? '';
  if (c === '.') {
    return fail(input, at, `unexpected second '.' at position ${at}; a number has at most one decimal point`);
  }
  if (c === '+' || c === '-') {
    return fail(input, at, `unexpected '${c}' at position ${at}; a sign may only come first`);
  }
  if (/^[eE][+-]?$/u.test(rest)) {
    return rest.length === 1
      ? fail(input, at, `exponent '${rest}' must be followed by an integer, e.g. "1e3" or "1e-3"`)
      : fail(input, at, `exponent sign '${rest}' must be followed by digits, e.g. "1e-3"`);
  }
  const tokenLength = suffixTokenLength(rest);
  if (tokenLength > 0 && tokenLength < rest.length) {
    const token = rest.slice(0, tokenLength);
    const next = rest[tokenLength] ?? '';
    const position = at + tokenLength;
    if (isExponentToken(token)) {
      if (next === '.') {
        return fail(input, position, `the exponent in '${rest}' must be a whole number, e.g. "e3" or "e-6"`);
      }
      return fail(
        input,
        position,
        `unexpected '${next}' after exponent '${token}'; use an exponent or a suffix, not both ` +
          '(e.g. "1e6" or "1M")',
      );
    }
    if (!/^[A-Za-z]$/u.test(next)) {
      return fail(
        input,
        position,
        `unexpected '${next}' at position ${position} after suffix '${token}'; the suffix must come last`,
      );
    }
    // Letters follow a valid suffix ("mi", "EE"): report the whole tail as one unknown suffix.
  }
  return unknownSuffix(input, at, rest);
}

function unknownSuffix(input: string, at: number, suffix: string): QuantityError {
  const isBytes = suffix.length > 1 && /[bB]$/u.test(suffix);
  const stem = isBytes ? suffix.slice(0, -1) : suffix;
  const suggestions = suggest(stem, isBytes);
  let reason = `unknown suffix '${suffix}'`;
  if (isBytes) reason += '; quantities have no byte unit, drop the B';
  if (suggestions.length > 0) {
    const listed = suggestions.map((s) => `'${s}' (${SUFFIX_MEANING[s] ?? ''})`).join(' or ');
    return fail(input, at, `${reason}; did you mean ${listed}?`);
  }
  if (suffix === 'i') {
    return fail(input, at, `${reason}; a binary suffix needs its prefix: Ki Mi Gi Ti Pi Ei`);
  }
  return fail(
    input,
    at,
    `${reason}; valid suffixes are n u m k M G T P E (powers of 1000), ` +
      'Ki Mi Gi Ti Pi Ei (powers of 1024) or an exponent such as e3',
  );
}

/** Valid suffixes the user probably meant: a case slip ("ki", "K", "g") or a byte unit ("GB"). */
function suggest(stem: string, isBytes: boolean): string[] {
  if (stem === 'µ' || stem === 'μ') return ['u'];
  const lower = stem.toLowerCase();
  // One letter that names both a decimal and a binary multiple (K, g, MB): offer both, since
  // which one the user meant is exactly what the message cannot know.
  if (
    stem.length === 1 &&
    BINARY_PREFIXES.includes(stem.toUpperCase()) &&
    (isBytes || !(stem in SUFFIX_MEANING))
  ) {
    const decimal = lower === 'k' ? 'k' : stem.toUpperCase();
    return [decimal, `${stem.toUpperCase()}i`];
  }
  return KNOWN_SUFFIXES.filter((s) => s.toLowerCase() === lower);
}
