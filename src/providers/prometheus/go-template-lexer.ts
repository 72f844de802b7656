/**
 * The lexer of the Go template subset (go-template.ts): splits the source into text and `<<` `>>`
 * actions, applies trim markers, drops comments, and tokenizes actions (fields, variables,
 * identifiers, Go string/raw-string/number/boolean constants, parentheses) with their offsets.
 */
import { GoTemplateError, SUPPORTED } from './go-template-types.js';
import { hex } from './go-template-values.js';

type TokenKind =
  | 'field' // .A or .A.b (path)
  | 'dot'
  | 'variable' // $ or $x, optionally with a path
  | 'identifier'
  | 'string'
  | 'number'
  | 'bool'
  | 'open'
  | 'close'
  | 'pipe'
  | 'declare'
  | 'assign'
  | 'comma';

export interface Token {
  readonly kind: TokenKind;
  readonly offset: number;
  readonly text: string;
  /** Field path for field/variable tokens; the string value for strings. */
  readonly path?: readonly string[];
  readonly value?: string | number | boolean;
}

interface TextItem {
  readonly kind: 'text';
  text: string;
  readonly offset: number;
}

export interface ActionItem {
  readonly kind: 'action';
  readonly offset: number;
  /** The whole action as written, `<<` to `>>`, for messages. */
  readonly source: string;
  readonly tokens: readonly Token[];
}

export type Item = TextItem | ActionItem;

const LEFT = '<<';
const RIGHT = '>>';

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

function isIdentifierStart(char: string): boolean {
  return /^[\p{L}_]$/u.test(char);
}

function isIdentifierPart(char: string): boolean {
  return /^[\p{L}\p{Nd}_]$/u.test(char);
}

export function quoteAction(text: string): string {
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

export function lex(source: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let trimNextText = false;
  while (pos <= source.length) {
    const start = source.indexOf(LEFT, pos);
    const textEnd = start < 0 ? source.length : start;
    let text = source.slice(pos, textEnd);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    trimNextText = false;
    const leftTrim = start >= 0 && source[start + 2] === '-' && isSpace(source.charCodeAt(start + 3));
    if (leftTrim) text = text.replace(/[ \t\r\n]+$/, '');
    if (text !== '') items.push({ kind: 'text', text, offset: pos });
    if (start < 0) break;
    const action = lexAction(source, start, leftTrim);
    trimNextText = action.rightTrim;
    if (action.item !== undefined) items.push(action.item);
    pos = action.end;
  }
  return items;
}

interface LexedAction {
  readonly item: ActionItem | undefined;
  readonly end: number;
  readonly rightTrim: boolean;
}

/** Lexes one action starting at `start` (the `<<`); comments yield no item. */
function lexAction(source: string, start: number, leftTrim: boolean): LexedAction {
  let pos = start + LEFT.length + (leftTrim ? 2 : 0);
  const fail: (message: string, at: number) => never = (message, at) => {
    const end = source.indexOf(RIGHT, at);
    const shown = quoteAction(source.slice(start, end < 0 ? Math.min(source.length, start + 60) : end + 2));
    throw new GoTemplateError(`${shown} at offset ${at}: ${message}`, at);
  };

  /** `>>` or ` ->>` at `at`: the length of the closing delimiter and whether it trims. */
  const rightDelimiter = (at: number): { length: number; trim: boolean } | undefined => {
    if (source.startsWith(RIGHT, at)) return { length: RIGHT.length, trim: false };
    if (isSpace(source.charCodeAt(at)) && source[at + 1] === '-' && source.startsWith(RIGHT, at + 2)) {
      return { length: RIGHT.length + 2, trim: true };
    }
    return undefined;
  };

  if (source.startsWith('/*', pos)) {
    const close = source.indexOf('*/', pos + 2);
    if (close < 0) fail('unclosed comment', start);
    const delimiter = rightDelimiter(close + 2);
    if (delimiter === undefined) {
      fail(
        'a comment must end at the closing delimiter: write <</* ... */>> or <<- /* ... */ ->>',
        close + 2,
      );
    }
    return { item: undefined, end: close + 2 + delimiter.length, rightTrim: delimiter.trim };
  }
  if (source[pos] === '-' && !leftTrim && !/[0-9]/.test(source[pos + 1] ?? '')) {
    fail('a left trim marker is "<<- " with a space after the dash (Go reads "<<-x" as a number)', pos);
  }

  const tokens: Token[] = [];
  for (;;) {
    const delimiter = rightDelimiter(pos);
    if (delimiter !== undefined) {
      const end = pos + delimiter.length;
      return {
        item: { kind: 'action', offset: start, source: source.slice(start, end), tokens },
        end,
        rightTrim: delimiter.trim,
      };
    }
    if (pos >= source.length) fail(`unclosed action: no closing ${RIGHT}`, start);
    const char = source[pos] ?? '';
    const code = source.charCodeAt(pos);
    if (isSpace(code)) {
      pos++;
      continue;
    }
    const tokenStart = pos;
    const push = (kind: TokenKind, end: number, extra: Partial<Token> = {}): void => {
      tokens.push({ kind, offset: tokenStart, text: source.slice(tokenStart, end), ...extra });
      pos = end;
    };

    if (char === '.') {
      const { path, end } = readFieldPath(source, pos);
      if (path.length === 0) push('dot', pos + 1);
      else push('field', end, { path });
    } else if (char === '$') {
      let end = pos + 1;
      while (end < source.length && isIdentifierPart(source[end] ?? '')) end++;
      const name = source.slice(pos, end);
      const rest = readFieldPath(source, end);
      push('variable', rest.end, { path: rest.path, value: name });
    } else if (isIdentifierStart(char)) {
      let end = pos + 1;
      while (end < source.length && isIdentifierPart(source[end] ?? '')) end++;
      const word = source.slice(pos, end);
      if (word === 'true' || word === 'false') push('bool', end, { value: word === 'true' });
      else push('identifier', end);
    } else if (char === '"') {
      const { value, end } = readQuoted(source, pos, fail);
      push('string', end, { value });
    } else if (char === '`') {
      const end = source.indexOf('`', pos + 1);
      if (end < 0) fail('unterminated raw string', pos);
      push('string', end + 1, { value: source.slice(pos + 1, end) });
    } else if (
      /[0-9]/.test(char) ||
      ((char === '-' || char === '+') && /[0-9]/.test(source[pos + 1] ?? ''))
    ) {
      let end = pos + 1;
      while (end < source.length && /[0-9A-Za-z_.]/.test(source[end] ?? '')) end++;
      const text = source.slice(pos, end);
      if (!/^[-+]?(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text))) {
        fail(`number ${text}: only decimal integer constants are supported`, pos);
      }
      push('number', end, { value: Number(text) });
    } else if (char === "'") {
      fail("character constants ('x') are not supported; use a string constant", pos);
    } else if (char === '(') push('open', pos + 1);
    else if (char === ')') push('close', pos + 1);
    else if (char === '|') push('pipe', pos + 1);
    else if (char === ',') push('comma', pos + 1);
    else if (source.startsWith(':=', pos)) push('declare', pos + 2);
    else if (char === '=') push('assign', pos + 1);
    else if (char === '-' && source.startsWith(RIGHT, pos + 1)) {
      fail('a right trim marker is " ->>" with a space before the dash', pos);
    } else if (char === '/' && source.startsWith('/*', pos)) {
      fail('a comment must start right after the opening delimiter: <</* ... */>>', pos);
    } else fail(`unexpected character ${JSON.stringify(char)} in action; ${SUPPORTED}`, pos);
  }
}

/** `.a.b.c` from `from`: the names, and where they end (`from` itself when there is none). */
function readFieldPath(source: string, from: number): { path: string[]; end: number } {
  const path: string[] = [];
  let at = from;
  while (source[at] === '.' && isIdentifierStart(source[at + 1] ?? '')) {
    let end = at + 2;
    while (end < source.length && isIdentifierPart(source[end] ?? '')) end++;
    path.push(source.slice(at + 1, end));
    at = end;
  }
  return { path, end: at };
}

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/** A Go interpreted string literal (strconv.Unquote rules) starting at the quote. */
function readQuoted(
  source: string,
  start: number,
  fail: (message: string, at: number) => never,
): { value: string; end: number } {
  let value = '';
  let pos = start + 1;
  for (;;) {
    const char = source[pos];
    if (char === undefined || char === '\n') return fail('unterminated quoted string', start);
    if (char === '"') return { value, end: pos + 1 };
    if (char !== '\\') {
      value += char;
      pos++;
      continue;
    }
    const escape = source[pos + 1] ?? '';
    const simple = STRING_ESCAPES[escape];
    if (simple !== undefined) {
      value += simple;
      pos += 2;
      continue;
    }
    const digits =
      escape === 'x' ? 2 : escape === 'u' ? 4 : escape === 'U' ? 8 : /[0-7]/.test(escape) ? 3 : 0;
    const body = escape === 'x' || escape === 'u' || escape === 'U' ? pos + 2 : pos + 1;
    const text = source.slice(body, body + digits);
    const valid =
      digits > 0 &&
      text.length === digits &&
      (/[0-7]/.test(escape) ? /^[0-7]+$/ : /^[0-9A-Fa-f]+$/).test(text);
    const code = valid ? parseInt(text, /[0-7]/.test(escape) ? 8 : 16) : -1;
    if (
      !valid ||
      code > 0x10ffff ||
      (code >= 0xd800 && code < 0xe000) ||
      (/[0-7]/.test(escape) && code > 0xff)
    ) {
      return fail(`invalid escape \\${escape} in string constant`, pos);
    }
    // \x and octal escapes are bytes in Go; on their own only ASCII ones make valid UTF-8 text.
    if ((escape === 'x' || /[0-7]/.test(escape)) && code > 0x7f) {
      return fail(
        `escape \\${escape}${text} is a non-ASCII byte; write the character or \\u${hex(code, 4)}`,
        pos,
      );
    }
    value += String.fromCodePoint(code);
    pos = body + digits;
  }
}
