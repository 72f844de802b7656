/**
 * Go (RE2) regular expressions as JavaScript RegExps, and Go's `Regexp.Expand`, so the `matches`
 * and `as` fields of prometheus-adapter rules mean here what they mean there.
 *
 * The translator parses the Go syntax (regexp/syntax, Perl flags, as `regexp.Compile` uses) and
 * writes an equivalent JS pattern for the `u` flag. It never hands Go text to the JS parser, so
 * JS-only constructs that JS would quietly accept (lookaround, backreferences, `\u1234`) are
 * rejected instead of changing what a rule matches.
 *
 * Why the `u` flag always: Go matches runes (code points) and folds case with Unicode simple
 * folding; `u` gives JS the same (`.` takes a whole astral character, `(?i)k` matches the Kelvin
 * sign). Its stricter escape syntax never reaches users because every escape is re-written.
 *
 * Where Go and JS differ, the output spells Go's meaning out:
 * - `.` is `[^\n]` (JS `.` also refuses `\r`, U+2028 and U+2029); `(?s).` is `[\s\S]`;
 * - `\s` is `[\t\n\f\r ]` (JS `\s` is Unicode white space, including `\v`);
 * - JS's `m` flag is never used: Go's `(?m)^` and `(?m)$` see only `\n` as a line end, so they
 *   become lookarounds, and `\A` / `\z` are plain `^` / `$`. So `s` and `m` work anywhere, scoped
 *   or not. `i` must be global: Node 20 has no scoped modifiers, so `(?i)` is accepted only before
 *   any character or group (`^(?i)` is fine), or as `(?i:...)` around the whole pattern;
 * - `\p{Greek}` is `\p{Script=Greek}`; Go's `\p{C}` has no unassigned code points, so it is
 *   `Cc|Cf|Co|Cs`; negated classes are written so that case folding applies before negation, as in Go.
 *
 * Known differences left: under `(?i)` JS's `\b` also counts U+017F and U+212A as word characters
 * (Go's `\b` is ASCII-only); a capture inside a repeated group that does not take part in the last
 * iteration is unset in JS but keeps its earlier value in Go. Neither occurs in adapter rules.
 *
 * Why not re2js (evaluated for issue 14, re2js 2.10.0, a JavaScript port of RE2/J): with a thin
 * RegExp-shaped wrapper it failed 53 of the 206 tests in go-regexp.test.ts, 5 of them for Go
 * semantics it does not have:
 * - it rejects repeated group names, `(?P<a>x)|(?P<a>y)` ("duplicate capture group name"), which
 *   Go accepts (Go's `Regexp.SubexpIndex` documents them) — 3 tests (subexpNames, expandGoTemplate);
 * - `\pC` / `\PC` on U+E0080 (unassigned): re2js counts it in `C`, Go does not (its tables have no
 *   `Cn`) — 2 tests;
 * - its errors carry no offset and use RE2's wording, so the 39 "rejected" cases that check the
 *   message and offset fail (it does reject every one of them), and 3 tests check the RegExp
 *   (flags, a RegExp made elsewhere) that callers use.
 * It does accept the scoped flags this translator refuses (`a(?i)b`, `(?i:a)b`, `(?U)a*`: 6
 * tests), correctly for Go. Cost: 916 kB installed (260 kB of ESM plus CJS and UMD copies), 33 ms to
 * import; on the Helm chart's default rules (6 patterns x 12,000 series names, the same 23,148
 * matches) matching took 158 ms against 33 ms here, compiling 0.79 ms against 0.15 ms per rule set.
 * prometheus-adapter-defaults.test.ts needs kubectl and Prometheus and did not run in the
 * evaluation. So the translator stays, with its known differences above.
 */
import { KubemetricsError } from '../../errors.js';

/** A Go pattern that does not parse, or uses what Go or this translation does not support. */
export class GoRegexpError extends KubemetricsError {
  /** The Go pattern as given. */
  readonly pattern: string;
  /** Zero-based offset of the offending construct in `pattern`. */
  readonly offset: number;

  constructor(message: string, pattern: string, offset: number) {
    super('KUBEMETRICS_ERR_CONFIG', message);
    this.name = 'GoRegexpError';
    this.pattern = pattern;
    this.offset = offset;
  }
}

const NOT_RE2 = 'not valid in Go (RE2) regular expressions, which prometheus-adapter uses';
const MAX_REPEAT = 1000;

/** Group names of RegExps made here, index 0 = whole match, in Go's form. */
const goNames = new WeakMap<RegExp, string[]>();

/**
 * Compiles a Go (RE2) pattern to an equivalent JS RegExp (flags `u`, plus `i` for a leading
 * `(?i)`; never `g`), or throws {@link GoRegexpError} naming the pattern and the unsupported
 * construct. Like Go's `MatchString`, `test` is unanchored: anchor with `^...$` in the pattern.
 *
 * Named groups keep their Go name in `match.groups`, except that a name starting with a digit gets
 * a `$` in front and a repeated name (Go allows them, JS does not) gets `$$2`, `$$3`...; use
 * {@link subexpNames} and {@link expandGoTemplate}, which undo that.
 */
export function compileGoRegexp(pattern: string): RegExp {
  const translation = new Translator(pattern).translate();
  let re: RegExp;
  try {
    re = new RegExp(translation.source, translation.ignoreCase ? 'iu' : 'u');
  } catch (error) {
    // The translator only writes valid syntax; what is left is a Unicode class V8 does not know.
    throw new GoRegexpError(
      `Go regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`,
      pattern,
      0,
    );
  }
  goNames.set(re, translation.names);
  return re;
}

/** Number of capture groups (Go's NumSubexp) and their names ('' for unnamed), index 0 = whole match, like Go's SubexpNames(). */
export function subexpNames(re: RegExp): string[] {
  const known = goNames.get(re);
  if (known !== undefined) return [...known];
  return scanJsGroupNames(re.source).map(goGroupName);
}

/**
 * Go's `Regexp.ExpandString(nil, template, src, match)` for a match from a RegExp made by
 * {@link compileGoRegexp}. The rules, from the Go regexp package documentation of
 * `func (*Regexp) Expand`:
 *
 * > In the template, a variable is denoted by a substring of the form $name or ${name}, where name
 * > is a non-empty sequence of letters, digits, and underscores. A purely numeric name like $1
 * > refers to the submatch with the corresponding index; other names refer to capturing
 * > parentheses named with the (?P<name>...) syntax. A reference to an out of range or unmatched
 * > index or a name that is not present in the regular expression is replaced with an empty slice.
 * > In the $name form, name is taken to be as long as possible: $1x is equivalent to ${1x}, not
 * > ${1}x, and, $10 is equivalent to ${10}, not ${1}0. To insert a literal $ in the output, use $$
 * > in the template.
 *
 * What the documentation leaves out, as Go's implementation does it: a `$` not followed by a valid
 * name (`$-`, `${`, `${x`, a trailing `$`) is copied literally; a number with a leading zero
 * (`$01`) or of 10^8 or more is a name, not an index; letters and digits are Unicode ones.
 * So `$1_per_second` reads group "1_per_second", which does not exist, and expands to ''.
 */
export function expandGoTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const dollar = template.indexOf('$', pos);
    if (dollar < 0) return out + template.slice(pos);
    out += template.slice(pos, dollar);
    pos = dollar + 1;
    if (template[pos] === '$') {
      out += '$';
      pos++;
      continue;
    }
    const reference = readReference(template, pos);
    if (reference === undefined) {
      out += '$';
      continue;
    }
    pos = reference.end;
    const number = groupNumber(reference.name);
    out += (number >= 0 ? match[number] : namedGroup(match, reference.name)) ?? '';
  }
}

// ---------------------------------------------------------------------------------------------
// Expand helpers

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** `name` or `{name}` at `start` (just after the `$`), or undefined when malformed. */
function readReference(template: string, start: number): { name: string; end: number } | undefined {
  const braced = template[start] === '{';
  let end = braced ? start + 1 : start;
  const nameStart = end;
  while (end < template.length) {
    const code = template.codePointAt(end) ?? 0;
    const char = String.fromCodePoint(code);
    const simple =
      (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
    if (!simple && code !== 0x5f && (code < 0x80 || !NAME_CHAR.test(char))) break;
    end += char.length;
  }
  if (end === nameStart) return undefined;
  const name = template.slice(nameStart, end);
  if (braced) {
    if (template[end] !== '}') return undefined;
    end++;
  }
  return { name, end };
}

/** The group index for an all-digit name, as Go reads it; -1 when the name is a name. */
function groupNumber(name: string): number {
  if (!/^[0-9]+$/.test(name) || (name.length > 1 && name.startsWith('0'))) return -1;
  const number = Number(name);
  return number >= 1e8 ? -1 : number;
}

/** The first group with this Go name that took part in the match (Go allows repeated names). */
function namedGroup(match: RegExpExecArray, name: string): string | undefined {
  const groups = match.groups;
  if (groups === undefined) return undefined;
  for (const key in groups) {
    const value = groups[key];
    if (value !== undefined && goGroupName(key) === name) return value;
  }
  return undefined;
}

/** The JS name for the `occurrence`-th group named `name` (see {@link compileGoRegexp}). */
function jsGroupName(name: string, occurrence: number): string {
  const base = /^[0-9]/.test(name) ? '$' + name : name;
  return occurrence === 1 ? base : `${base}$$${occurrence}`;
}

function goGroupName(jsName: string): string {
  const withoutSuffix = jsName.replace(/\$\$[0-9]+$/, '');
  return /^\$[0-9]/.test(withoutSuffix) ? withoutSuffix.slice(1) : withoutSuffix;
}

/** Capture group names ('' for unnamed) of a JS pattern, index 0 = whole match. */
function scanJsGroupNames(source: string): string[] {
  const names = [''];
  let inClass = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') i++;
    else if (char === '[') inClass++;
    else if (char === ']' && inClass > 0) inClass--;
    else if (char === '(' && inClass === 0) {
      if (source[i + 1] !== '?') names.push('');
      else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        const end = source.indexOf('>', i);
        names.push(source.slice(i + 3, end));
      }
    }
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Character sets

type Range = readonly [number, number];

/**
 * A bracket expression's members: code point ranges, JS class escapes that are exact for Go
 * (`\w`, `\p{L}`...), and negated Unicode classes (each a union of JS properties).
 */
interface CharSet {
  ranges: Range[];
  escapes: string[];
  negatedProperties: string[][];
}

const MAX_CODE_POINT = 0x10ffff;

const PERL_CLASSES: Readonly<Record<string, readonly Range[]>> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

// From the Go regexp/syntax documentation of the ASCII classes.
const POSIX_CLASSES: Readonly<Record<string, readonly Range[]>> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: PERL_CLASSES.w!,
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

// Go's unicode.Categories; Go's "C" has no unassigned code points (JS's \p{C} includes Cn).
const CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
);

function sortRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

function complement(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sortRanges(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/**
 * Adds what case folding reaches from an ASCII set: the other case of each letter, and U+017F
 * (long s) and U+212A (Kelvin sign), the only non-ASCII characters that fold to ASCII letters.
 * Negating the folded set is what Go does for `(?i)[[:^upper:]]`; JS, given the plain complement,
 * would fold it afterwards and match too much.
 */
function foldAscii(ranges: readonly Range[]): Range[] {
  const out: Range[] = [...ranges];
  const has = (code: number): boolean => ranges.some(([lo, hi]) => lo <= code && code <= hi);
  for (let code = 0x41; code <= 0x5a; code++) {
    if (has(code) || has(code + 0x20)) out.push([code, code], [code + 0x20, code + 0x20]);
  }
  if (has(0x53) || has(0x73)) out.push([0x17f, 0x17f]);
  if (has(0x4b) || has(0x6b)) out.push([0x212a, 0x212a]);
  return sortRanges(out);
}

const CONTROL_ESCAPES: Readonly<Record<number, string>> = {
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
};

/** A non-printable code point as a JS escape (valid with the u flag). */
function codeEscape(code: number): string {
  return (
    CONTROL_ESCAPES[code] ??
    (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`)
  );
}

/** One code point inside JS brackets (u flag): backslash, brackets, caret and dash escaped. */
function classChar(code: number): string {
  if (code < 0x20 || code >= 0x7f) return codeEscape(code);
  const char = String.fromCharCode(code);
  return '\\]['.includes(char) || char === '^' || char === '-' ? '\\' + char : char;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** One code point outside brackets (u flag): syntax characters escaped. */
function literal(code: number): string {
  if (code >= 0x20 && code < 0x7f) {
    const char = String.fromCharCode(code);
    return /[\\^$.*+?()[\]{}|/]/.test(char) ? '\\' + char : char;
  }
  // Printable non-ASCII characters stay readable in `re.source`; the rest are escaped.
  const char = String.fromCodePoint(code);
  return code >= 0xa0 && PRINTABLE.test(char) ? char : codeEscape(code);
}

function rangesText(ranges: readonly Range[]): string {
  let out = '';
  for (const [lo, hi] of sortRanges(ranges)) {
    out +=
      lo === hi
        ? classChar(lo)
        : hi === lo + 1
          ? classChar(lo) + classChar(hi)
          : `${classChar(lo)}-${classChar(hi)}`;
  }
  return out;
}

function emitSet(set: CharSet, negated: boolean): string {
  const only = set.escapes[0];
  if (!negated && set.ranges.length === 0 && set.negatedProperties.length === 0 && set.escapes.length === 1) {
    return only!; // \p{L} or \w alone needs no brackets
  }
  const body = rangesText(set.ranges) + set.escapes.join('');
  if (set.negatedProperties.length === 0) return negated ? `[^${body}]` : `[${body}]`;
  const unions = set.negatedProperties.map((properties) => properties.map((p) => `\\p{${p}}`).join(''));
  if (!negated && body === '' && unions.length === 1) return `[^${unions[0]!}]`;
  if (!negated) {
    // x in A or not in P: one alternative per negated class, each negated as a whole so that case
    // folding applies before the negation, as Go does.
    return `(?:${[...(body === '' ? [] : [`[${body}]`]), ...unions.map((u) => `[^${u}]`)].join('|')})`;
  }
  // Not (A or not P1 or not P2) = not A, and in P1, and in P2.
  const lookaheads = unions.slice(0, -1).map((u) => `(?=[${u}])`);
  return `(?:${body === '' ? '' : `(?![${body}])`}${lookaheads.join('')}[${unions[unions.length - 1]!}])`;
}

// ---------------------------------------------------------------------------------------------
// Translator

interface Flags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

/** One emitted piece of the current group's current alternative. */
interface Atom {
  text: string;
  /** 'char' and 'group' can take a JS quantifier as they are; 'assertion' needs (?:...); 'flags' emits nothing. */
  kind: 'char' | 'group' | 'assertion' | 'repeat' | 'flags';
  /** Largest product of counted repeats inside, as Go's repeat-size check sees it. */
  weight: number;
  /** Offset of the repeat operator, for Go's "invalid nested repetition" message. */
  repeatAt?: number;
  lazy?: boolean;
}

interface Frame {
  readonly open: number;
  readonly prefix: string;
  readonly savedFlags: Flags;
  /** `(?i:` at the start of the pattern: allowed only if it closes at the very end. */
  readonly wholePatternFlags: boolean;
  readonly alternatives: string[];
  atoms: Atom[];
  weight: number;
}

class Translator {
  private pos = 0;
  private flags: Flags = { i: false, m: false, s: false };
  private ignoreCase = false;
  private readonly names = [''];
  private readonly nameCounts = new Map<string, number>();
  private readonly stack: Frame[] = [];
  /** True until the first character or group: where a global (?i) may stand. */
  private leading = true;

  constructor(private readonly pattern: string) {}

  private fail(message: string, at: number): never {
    throw new GoRegexpError(
      `Go regular expression ${JSON.stringify(this.pattern)}: ${message} (at offset ${at})`,
      this.pattern,
      at,
    );
  }

  translate(): { source: string; ignoreCase: boolean; names: string[] } {
    let frame = this.newFrame(0, '', false);
    const pattern = this.pattern;
    while (this.pos < pattern.length) {
      const at = this.pos;
      const char = pattern[at]!;
      // Flag groups, anchors and repeats of them may come before a global (?i): none has a case.
      const caseless =
        (char === '(' && pattern[at + 1] === '?') ||
        '^$*+?{'.includes(char) ||
        (char === '\\' && 'AzbB'.includes(pattern[at + 1] ?? '-'));
      if (!caseless) this.leading = false;
      switch (char) {
        case '(': {
          const opened = this.openGroup(at, frame);
          if (opened !== undefined) {
            this.stack.push(frame);
            frame = opened;
          }
          break;
        }
        case ')': {
          const parent = this.stack.pop();
          if (parent === undefined) this.fail('unexpected ) with no group open', at);
          this.pos++;
          if (frame.wholePatternFlags && this.pos < pattern.length) {
            this.fail(
              '(?i:...) must cover the whole pattern: Node 20 RegExps have no scoped case-insensitivity; put (?i) at the start instead',
              frame.open,
            );
          }
          const text = `${frame.prefix}${this.closeAlternatives(frame)})`;
          this.flags = frame.savedFlags;
          const weight = frame.weight;
          frame = parent;
          frame.atoms.push({ text, kind: 'group', weight });
          break;
        }
        case '|':
          frame.alternatives.push(this.joinAtoms(frame));
          frame.atoms = [];
          this.pos++;
          break;
        case '*':
        case '+':
        case '?':
          this.repeat(frame, at, char === '*' ? 0 : char === '+' ? 1 : 0, char === '?' ? 1 : -1, 1);
          break;
        case '{': {
          const counted = this.parseCount(at);
          if (counted === undefined) {
            this.pos++;
            this.leading = false;
            frame.atoms.push({ text: '\\{', kind: 'char', weight: 0 });
          } else {
            if (
              counted.min > MAX_REPEAT ||
              counted.max > MAX_REPEAT ||
              (counted.max >= 0 && counted.min > counted.max)
            ) {
              this.fail(
                `invalid repeat count ${pattern.slice(at, counted.end)} (Go allows at most ${MAX_REPEAT})`,
                at,
              );
            }
            this.repeat(frame, at, counted.min, counted.max, counted.end - at);
          }
          break;
        }
        case '[':
          frame.atoms.push({ text: this.parseClass(), kind: 'group', weight: 0 });
          break;
        case '.':
          this.pos++;
          frame.atoms.push({ text: this.flags.s ? '[\\s\\S]' : '[^\\n]', kind: 'char', weight: 0 });
          break;
        case '^':
          this.pos++;
          frame.atoms.push({ text: this.flags.m ? '(?<![^\\n])' : '^', kind: 'assertion', weight: 0 });
          break;
        case '$':
          this.pos++;
          frame.atoms.push({ text: this.flags.m ? '(?![^\\n])' : '$', kind: 'assertion', weight: 0 });
          break;
        case '\\':
          this.escape(frame);
          break;
        default: {
          const code = pattern.codePointAt(at)!;
          this.pos += code > 0xffff ? 2 : 1;
          frame.atoms.push({ text: literal(code), kind: 'char', weight: 0 });
        }
      }
    }
    if (this.stack.length > 0) this.fail('missing closing )', frame.open);
    return { source: this.closeAlternatives(frame), ignoreCase: this.ignoreCase, names: this.names };
  }

  private newFrame(open: number, prefix: string, wholePatternFlags: boolean): Frame {
    return {
      open,
      prefix,
      savedFlags: this.flags,
      wholePatternFlags,
      alternatives: [],
      atoms: [],
      weight: 0,
    };
  }

  private joinAtoms(frame: Frame): string {
    let text = '';
    for (const atom of frame.atoms) {
      text += atom.text;
      frame.weight = Math.max(frame.weight, atom.weight);
    }
    return text;
  }

  private closeAlternatives(frame: Frame): string {
    frame.alternatives.push(this.joinAtoms(frame));
    return frame.alternatives.join('|');
  }

  /** Applies a repeat operator spanning `length` characters at `at` to the last atom. */
  private repeat(frame: Frame, at: number, min: number, max: number, length: number): void {
    const pattern = this.pattern;
    let end = at + length;
    const lazy = pattern[end] === '?';
    if (lazy) end++;
    const last = frame.atoms[frame.atoms.length - 1];
    if (last === undefined || last.kind === 'flags') {
      this.fail(`missing argument to repetition operator ${pattern.slice(at, end)}`, at);
    }
    if (last.kind === 'repeat') {
      const first = pattern.slice(last.repeatAt ?? at, at);
      if (pattern[at] === '+' && last.lazy !== true) {
        this.fail(`possessive quantifier ${first}+ is ${NOT_RE2}`, last.repeatAt ?? at);
      }
      this.fail(
        `invalid nested repetition operator ${pattern.slice(last.repeatAt ?? at, end)}`,
        last.repeatAt ?? at,
      );
    }
    const base = last.kind === 'assertion' ? `(?:${last.text})` : last.text;
    let operator: string;
    if (length === 1) operator = pattern[at]!;
    else operator = max === min ? `{${min}}` : max < 0 ? `{${min},}` : `{${min},${max}}`;
    let weight = last.weight;
    if (length > 1) {
      // Go's repeatIsValid: the counts of nested counted repeats multiply, and an {0} ends the chain.
      const count = max < 0 ? min : max;
      weight = count === 0 ? 0 : count * Math.max(1, last.weight);
      if ((min >= 2 || max >= 2) && weight > MAX_REPEAT) {
        this.fail(
          `invalid repeat count ${pattern.slice(at, end)}: nested counted repeats exceed ${MAX_REPEAT}`,
          at,
        );
      }
    }
    frame.atoms[frame.atoms.length - 1] = {
      text: base + operator + (lazy ? '?' : ''),
      kind: 'repeat',
      weight,
      repeatAt: at,
      lazy,
    };
    this.pos = end;
  }

  /** `{n}`, `{n,}` or `{n,m}` at `at`, or undefined when the brace is a literal (as in Go). */
  private parseCount(at: number): { min: number; max: number; end: number } | undefined {
    const match = /^\{([0-9]+)(,([0-9]*))?\}/.exec(this.pattern.slice(at, at + 32));
    if (match === null) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? -1 : Number(match[3]);
    return { min, max, end: at + match[0].length };
  }

  /** After `(`: a capture, a named capture, a non-capturing group or a flag setting. */
  private openGroup(at: number, current: Frame): Frame | undefined {
    const pattern = this.pattern;
    if (pattern[at + 1] !== '?') {
      this.pos = at + 1;
      this.leading = false;
      this.names.push('');
      return this.newFrame(at, '(', false);
    }
    const rest = pattern.slice(at + 2);
    const named = /^P?<([^>]*)>/.exec(rest);
    if (named !== null && !rest.startsWith('<=') && !rest.startsWith('<!')) {
      const name = named[1]!;
      if (!/^[A-Za-z0-9_]+$/.test(name))
        this.fail(`invalid named capture ${pattern.slice(at, at + 2 + named[0].length)}`, at);
      const occurrence = (this.nameCounts.get(name) ?? 0) + 1;
      this.nameCounts.set(name, occurrence);
      this.names.push(name);
      this.pos = at + 2 + named[0].length;
      this.leading = false;
      return this.newFrame(at, `(?<${jsGroupName(name, occurrence)}>`, false);
    }
    const rejected: [prefix: string, what: string][] = [
      ['=', 'lookahead (?=...)'],
      ['!', 'negative lookahead (?!...)'],
      ['<=', 'lookbehind (?<=...)'],
      ['<!', 'negative lookbehind (?<!...)'],
      ['>', 'atomic group (?>...)'],
      ['P=', 'named backreference (?P=name)'],
      ['P>', 'recursion (?P>name)'],
      ['#', 'comment group (?#...)'],
      ["'", "named group (?'name'...); write (?P<name>...)"],
      ['|', 'branch reset group (?|...)'],
    ];
    for (const [prefix, what] of rejected) {
      if (rest.startsWith(prefix)) this.fail(`${what} is ${NOT_RE2}`, at);
    }
    if (rest.startsWith('P<') || rest.startsWith('<')) this.fail('invalid named capture: missing >', at);

    // Flags: (?flags) or (?flags:re), flags = [imsU]* optionally followed by - and more.
    const flagsMatch = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
    if (flagsMatch === null || (flagsMatch[2] !== undefined && flagsMatch[2] === '')) {
      this.fail(`invalid or unsupported Perl syntax ${pattern.slice(at, at + 3)}`, at);
    }
    const set = flagsMatch[1]!;
    const clear = flagsMatch[2] ?? '';
    const groupOpens = flagsMatch[3] === ':';
    const end = at + 2 + flagsMatch[0].length;
    const flag = (name: 'i' | 'm' | 's' | 'U', was: boolean): boolean =>
      clear.includes(name) ? false : set.includes(name) ? true : was;
    if (flag('U', false)) {
      this.fail(
        '(?U) ungreedy mode is not supported here; write the lazy forms (*?, +?, ??) in the pattern instead',
        at,
      );
    }
    const next: Flags = {
      i: flag('i', this.flags.i),
      m: flag('m', this.flags.m),
      s: flag('s', this.flags.s),
    };
    let wholePatternFlags = false;
    if (next.i !== this.flags.i) {
      const atStart = this.leading && this.stack.length === 0;
      if (!atStart || !next.i) {
        this.fail(
          'case-insensitivity can only be set for the whole pattern, with (?i) at its very start: ' +
            'Node 20 RegExps have no scoped (?i:...) or mid-pattern (?i) modifiers',
          at,
        );
      }
      this.ignoreCase = true;
      wholePatternFlags = groupOpens;
    }
    this.pos = end;
    if (groupOpens) {
      const frame = this.newFrame(at, '(?:', wholePatternFlags);
      this.flags = next;
      return frame;
    }
    this.flags = next;
    // Go treats a flag setting as a pseudo-operator: a repeat right after it has no argument.
    current.atoms.push({ text: '', kind: 'flags', weight: 0 });
    return undefined;
  }

  /** An escape outside brackets. */
  private escape(frame: Frame): void {
    const pattern = this.pattern;
    const at = this.pos;
    const next = pattern[at + 1];
    if (next === undefined) this.fail('trailing backslash at end of expression', at);
    const push = (text: string, kind: Atom['kind'], end: number): void => {
      frame.atoms.push({ text, kind, weight: 0 });
      this.pos = end;
    };
    switch (next) {
      case 'A':
        return push('^', 'assertion', at + 2);
      case 'z':
        return push('$', 'assertion', at + 2);
      case 'b':
      case 'B':
        return push('\\' + next, 'assertion', at + 2);
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        // JS's own classes are exact here, case folding included.
        return push('\\' + next, 'char', at + 2);
      case 's':
        return push('[\\t\\n\\f\\r ]', 'char', at + 2);
      case 'S':
        return push('[^\\t\\n\\f\\r ]', 'char', at + 2);
      case 'p':
      case 'P': {
        const set: CharSet = { ranges: [], escapes: [], negatedProperties: [] };
        const end = this.unicodeClass(at, set);
        return push(emitSet(set, false), 'group', end);
      }
      case 'Q': {
        const close = pattern.indexOf('\\E', at + 2);
        const text = pattern.slice(at + 2, close < 0 ? pattern.length : close);
        for (const char of text)
          frame.atoms.push({ text: literal(char.codePointAt(0)!), kind: 'char', weight: 0 });
        this.pos = close < 0 ? pattern.length : close + 2;
        return;
      }
      case 'Z':
        return this.fail(`\\Z is ${NOT_RE2}; use \\z for the end of the text`, at);
    }
    const { code, end } = this.escapedChar(at);
    push(literal(code), 'char', end);
  }

  /** A single-character escape at `at` (the backslash): octal, hex, control letters or punctuation. */
  private escapedChar(at: number): { code: number; end: number } {
    const pattern = this.pattern;
    const next = pattern[at + 1] ?? '';
    const controls: Readonly<Record<string, number>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    const control = controls[next];
    if (control !== undefined) return { code: control, end: at + 2 };
    if (/[1-7]/.test(next) && !/[0-7]/.test(pattern[at + 2] ?? '')) {
      this.fail(`backreference \\${next} is ${NOT_RE2}`, at);
    }
    if (/[0-7]/.test(next)) {
      // Up to three octal digits; a single non-zero digit was a backreference, above.
      const digits = /^[0-7]{1,3}/.exec(pattern.slice(at + 1))![0];
      return { code: parseInt(digits, 8), end: at + 1 + digits.length };
    }
    if (next === 'x') {
      const braced = /^\{([0-9A-Fa-f]+)\}/.exec(pattern.slice(at + 2));
      const plain = /^[0-9A-Fa-f]{2}/.exec(pattern.slice(at + 2));
      const digits = braced !== null ? braced[1]! : plain?.[0];
      const code = digits === undefined ? -1 : parseInt(digits, 16);
      if (digits === undefined || code > MAX_CODE_POINT)
        this.fail(`invalid escape sequence ${pattern.slice(at, at + 4)}`, at);
      return { code, end: at + 2 + (braced !== null ? braced[0].length : 2) };
    }
    const code = pattern.codePointAt(at + 1) ?? 0;
    if (code < 0x80 && !/[0-9A-Za-z]/.test(next)) return { code, end: at + 2 };
    const shown = String.fromCodePoint(code);
    const what =
      next === 'k'
        ? `named backreference \\k is ${NOT_RE2}`
        : /[89]/.test(next)
          ? `backreference \\${next} is ${NOT_RE2}`
          : `invalid escape \\${shown}: ${NOT_RE2}`;
    return this.fail(what, at);
  }

  /** `\pX`, `\p{Name}`, `\PX`, `\P{^Name}` at `at`, added to `set`; returns the end offset. */
  private unicodeClass(at: number, set: CharSet): number {
    const pattern = this.pattern;
    let negated = pattern[at + 1] === 'P';
    let name: string;
    let end: number;
    if (pattern[at + 2] === '{') {
      const close = pattern.indexOf('}', at + 3);
      if (close < 0) this.fail(`invalid character class range ${pattern.slice(at)}`, at);
      name = pattern.slice(at + 3, close);
      end = close + 1;
    } else {
      const code = pattern.codePointAt(at + 2);
      if (code === undefined) this.fail('invalid character class range: \\p needs a class name', at);
      name = String.fromCodePoint(code);
      end = at + 2 + name.length;
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const properties =
      name === 'Any'
        ? ['Any']
        : name === 'C'
          ? ['Cc', 'Cf', 'Co', 'Cs']
          : CATEGORIES.has(name)
            ? [name]
            : [`Script=${name}`];
    if (!CATEGORIES.has(name) && name !== 'Any' && !isJsScript(name)) {
      this.fail(
        `unknown Unicode class ${pattern.slice(at, end)}: Go knows its general categories (L, Lu, N...), scripts (Greek, Han...) and Any`,
        at,
      );
    }
    if (negated) set.negatedProperties.push(properties);
    else set.escapes.push(...properties.map((p) => `\\p{${p}}`));
    return end;
  }

  /** A bracket expression at this.pos, returned as JS. */
  private parseClass(): string {
    const pattern = this.pattern;
    const open = this.pos;
    let pos = open + 1;
    const negated = pattern[pos] === '^';
    if (negated) pos++;
    const set: CharSet = { ranges: [], escapes: [], negatedProperties: [] };
    const addComplement = (ranges: readonly Range[]): void => {
      // Go folds, then negates; see foldAscii.
      set.ranges.push(...complement(this.ignoreCase ? foldAscii(ranges) : ranges));
    };
    let first = true;
    for (;;) {
      if (pos >= pattern.length) this.fail('missing closing ]', open);
      if (pattern[pos] === ']' && !first) break;
      first = false;
      // [:alpha:] and [:^alpha:]
      if (pattern.startsWith('[:', pos)) {
        const close = pattern.indexOf(':]', pos + 2);
        if (close >= 0) {
          const name = pattern.slice(pos + 2, close);
          const bare = name.replace(/^\^/, '');
          const ranges = POSIX_CLASSES[bare];
          if (ranges === undefined) {
            this.fail(
              `invalid character class range [:${name}:]; Go knows ${Object.keys(POSIX_CLASSES).join(', ')}`,
              pos,
            );
          }
          if (name.startsWith('^')) addComplement(ranges);
          else set.ranges.push(...ranges);
          pos = close + 2;
          continue;
        }
      }
      if (pattern[pos] === '\\') {
        const letter = pattern[pos + 1];
        if (letter === 'p' || letter === 'P') {
          pos = this.unicodeClass(pos, set);
          continue;
        }
        if (letter === 'd' || letter === 'w' || letter === 'D' || letter === 'W') {
          set.escapes.push('\\' + letter);
          pos += 2;
          continue;
        }
        if (letter === 's') set.ranges.push(...PERL_CLASSES.s!);
        if (letter === 'S') addComplement(PERL_CLASSES.s!);
        if (letter === 's' || letter === 'S') {
          pos += 2;
          continue;
        }
      }
      const lo = this.classChar(pos);
      pos = lo.end;
      let hi = lo;
      if (pattern[pos] === '-' && pattern[pos + 1] !== ']' && pos + 1 < pattern.length) {
        hi = this.classChar(pos + 1);
        if (hi.code < lo.code)
          this.fail(`invalid character class range ${pattern.slice(lo.start, hi.end)}`, lo.start);
        pos = hi.end;
      }
      set.ranges.push([lo.code, hi.code]);
    }
    this.pos = pos + 1;
    return emitSet(set, negated);
  }

  private classChar(at: number): { code: number; start: number; end: number } {
    if (this.pattern[at] === '\\') {
      const next = this.pattern[at + 1];
      if (next === 'Q' || next === 'b' || next === 'A' || next === 'z' || next === 'B') {
        this.fail(`invalid escape \\${next} inside [...]`, at);
      }
      return { ...this.escapedChar(at), start: at };
    }
    const code = this.pattern.codePointAt(at)!;
    return { code, start: at, end: at + (code > 0xffff ? 2 : 1) };
  }
}

const scriptCache = new Map<string, boolean>();

function isJsScript(name: string): boolean {
  let known = scriptCache.get(name);
  if (known === undefined) {
    try {
      new RegExp(`\\p{Script=${name}}`, 'u');
      known = /^[A-Za-z_]+$/.test(name);
    } catch {
      known = false;
    }
    scriptCache.set(name, known);
  }
  return known;
}
