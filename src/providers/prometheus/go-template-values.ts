/**
 * Go values at render time and their formatting for the template subset (go-template.ts): what is
 * true, how values compare, and Go's fmt `%v %s %d %q` (strconv.Quote for `%q`), so rendered text
 * is byte-for-byte what Go's text/template would write.
 */
import type { TemplateData } from './go-template-types.js';

/** Runtime values: template data plus what functions and `range` produce (ints and booleans). */
export type Value = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

export interface State {
  readonly data: TemplateData;
  dot: Value;
  /** Variable slots, resolved at compile time; slot 0 is unused (`$` is `data`). */
  readonly vars: Value[];
}

export type Eval = (state: State) => Value;
export type Exec = (state: State) => string;

export function isList(value: Value): value is readonly string[] {
  return Array.isArray(value);
}

export function isMap(value: Value): value is Readonly<Record<string, string>> {
  return typeof value === 'object' && !Array.isArray(value);
}

/** Go's name for the type, as its error messages and `%!verb(type=value)` show it. */
export function goTypeName(value: Value): string {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'int';
    case 'boolean':
      return 'bool';
    default:
      return isList(value) ? '[]string' : 'map[string]string';
  }
}

/** Go's template truth: false, 0, and empty strings, lists and maps are false. */
export function isTrue(value: Value): boolean {
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0;
    case 'boolean':
      return value;
    default:
      if (isList(value)) return value.length > 0;
      for (const _key in value) return true;
      return false;
  }
}

/**
 * Byte-order comparison (what Go's sort of string keys uses): UTF-16 order differs from code
 * point order only when a surrogate meets a unit in U+E000..U+FFFF.
 */
function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** A map lookup that sees only the map's own keys (never `constructor` and friends); missing is ''. */
export function lookup(map: Readonly<Record<string, string>>, key: string): string {
  return Object.hasOwn(map, key) ? (map[key] ?? '') : '';
}

export function sortedKeys(map: Readonly<Record<string, string>>): string[] {
  return Object.keys(map).sort(compareGoStrings);
}

/** Go's fmt with verb v/s/d/q for one value, including the `%!d(string=x)` form for a bad verb. */
export function formatValue(value: Value, verb: 'v' | 's' | 'd' | 'q'): string {
  if (typeof value === 'object') {
    if (isList(value)) {
      let out = '[';
      for (let i = 0; i < value.length; i++) out += (i > 0 ? ' ' : '') + formatValue(value[i] ?? '', verb);
      return out + ']';
    }
    let out = 'map[';
    let first = true;
    for (const key of sortedKeys(value)) {
      out += (first ? '' : ' ') + formatValue(key, verb) + ':' + formatValue(value[key] ?? '', verb);
      first = false;
    }
    return out + ']';
  }
  switch (typeof value) {
    case 'string':
      if (verb === 'v' || verb === 's') return value;
      if (verb === 'q') return quoteGo(value, '"');
      break;
    case 'number':
      if (verb === 'v' || verb === 'd') return String(value);
      if (verb === 'q') return quoteGo(runeString(value), "'");
      break;
    case 'boolean':
      if (verb === 'v') return String(value);
      break;
  }
  return `%!${verb}(${goTypeName(value)}=${formatValue(value, 'v')})`;
}

function runeString(code: number): string {
  const valid = Number.isInteger(code) && code >= 0 && code <= 0x10ffff && !(code >= 0xd800 && code < 0xe000);
  return String.fromCodePoint(valid ? code : 0xfffd);
}

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** strconv.Quote / QuoteRune: Go escapes, printable characters as they are. */
function quoteGo(text: string, quote: '"' | "'"): string {
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0xfffd;
    if (char === quote || char === '\\') out += '\\' + char;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code >= 0xd800 && code < 0xe000)
      out += '\ufffd'; // a lone surrogate is not UTF-8; Go sees U+FFFD
    else if (code >= 0x80 && PRINTABLE.test(char)) out += char;
    else {
      const short = SHORT_ESCAPES[code];
      if (short !== undefined) out += short;
      else if (code < 0x80) out += '\\x' + hex(code, 2);
      else if (code < 0x10000) out += '\\u' + hex(code, 4);
      else out += '\\U' + hex(code, 8);
    }
  }
  return out + quote;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
};

export function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** len of a Go string counts UTF-8 bytes. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
