/**
 * The part of Go's text/template that prometheus-adapter configuration files use, with the
 * adapter's `<<` `>>` delimiters, so those files can be read unchanged.
 *
 * A template is compiled once into closures; `render` then only walks them and concatenates
 * strings (no regular expressions, no parsing), because it runs on every metrics request.
 *
 * Supported, with Go's meaning (text/template package documentation):
 * - text, `<<.Field>>`, `<<.Field.key>>` (map lookup), `<<$.Field>>` (from inside range), variables;
 * - trim markers `<<- ` and ` ->>`, which remove all adjacent white space (Go needs the space after
 *   `<<-` and before `->>`: `<<-3>>` is the number -3), and comments `<</* ... *\/>>`;
 * - `<<if>>` / `<<else if>>` / `<<else>>` / `<<end>>`, and `<<range>>` (with `$v :=` or
 *   `$i, $v :=`, and `<<else>>`) over lists and over maps in sorted key order;
 * - parenthesised calls and the functions `len`, `index`, `print`, `printf` (verbs `%s %d %v %q`),
 *   `eq`, `ne`, `not`, `and`, `or`;
 * - string (interpreted and raw), decimal integer and boolean constants.
 *
 * Everything else (pipelines with `|`, `with`, `define`, `template`, `block`, `break`, other
 * functions, variable declarations outside `range`) is a {@link GoTemplateError} at compile time,
 * so a configuration that would behave differently here fails when it is loaded, not per request.
 *
 * Deliberate differences from Go, each where Go would send Prometheus a broken query or fail later:
 * - a missing map key renders as `''`, not Go's `<no value>` (see {@link compileGoTemplate});
 * - `printf` needs a constant format and as many arguments as verbs (Go prints `%!s(MISSING)`);
 * - a field the data lacks at render time is an error (Go structs always have every field);
 * - `.` outside range and `$` alone (the whole data struct) cannot be printed, and `.Field` inside
 *   range (a field of a string element, an error in Go too) is caught at compile time.
 */
import { KubemetricsError } from '../../errors.js';

/** A value a template can read: a string, a list of strings or a map of strings. */
export type TemplateValue = string | readonly string[] | Readonly<Record<string, string>>;

/** The data a template renders: top-level fields by name, as Go's template data struct has. */
export type TemplateData = Readonly<Record<string, TemplateValue>>;

/**
 * A template that does not compile, uses something this subset does not support, or (at render
 * time) reads data of the wrong shape. `offset` is the zero-based character offset in the template
 * source; the message quotes the action and says what is supported.
 */
export class GoTemplateError extends KubemetricsError {
  /** Zero-based character offset in the template source of the action (or text) at fault. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('KUBEMETRICS_ERR_CONFIG', message);
    this.name = 'GoTemplateError';
    this.offset = offset;
  }
}

/** A compiled template. Immutable and safe to render concurrently. */
export interface GoTemplate {
  readonly source: string;
  /** Top-level fields the template reads, e.g. Series, LabelMatchers (used to validate configs and to tell which inputs matter). */
  readonly fields: ReadonlySet<string>;
  render(data: TemplateData): string;
}

const SUPPORTED =
  'supported: <<.Field>>, <<.Field.key>>, <<$.Field>>, <<$var>>, <<if>>/<<else if>>/<<else>>/<<end>>, ' +
  '<<range [$i, $v :=] .Field>>...<<else>>...<<end>>, comments <</* */>>, trim markers "<<- " and " ->>", ' +
  'and the functions len, index, print, printf (%s %d %v %q), eq, ne, not, and, or';

const FUNCTIONS = ['and', 'eq', 'index', 'len', 'ne', 'not', 'or', 'print', 'printf'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

// Go's other text/template built-ins, and the actions we do not support, named in their errors.
const OTHER_GO_FUNCTIONS = new Set([
  'call',
  'ge',
  'gt',
  'html',
  'js',
  'le',
  'lt',
  'println',
  'slice',
  'urlquery',
]);
const UNSUPPORTED_KEYWORDS = new Set(['with', 'define', 'template', 'block', 'break', 'continue']);

/**
 * Compiles `source` (Go text/template syntax with `<<` `>>` delimiters). Every top-level field it
 * reads must be in `allowedFields` (Go field names are case-sensitive). Throws {@link GoTemplateError}
 * for syntax errors, unsupported actions or functions, and fields not allowed.
 *
 * A map key that is absent renders as an empty string. Go prints `<no value>` there (unless the
 * template sets `missingkey=zero`), which in a PromQL query is a syntax error at best; the empty
 * string is what Go's own `index` function yields for the same lookup, so `<<.Labels.x>>` and
 * `<<index .Labels "x">>` agree.
 */
export function compileGoTemplate(source: string, allowedFields: readonly string[]): GoTemplate {
  const items = lex(source);
  const compiler = new Compiler(allowedFields);
  const body = compiler.compileItems(items);
  const fields: ReadonlySet<string> = compiler.fields;
  const slotCount = compiler.slotCount;
  return Object.freeze({
    source,
    fields,
    render(data: TemplateData): string {
      const state: State = { data, dot: '', vars: new Array<Value>(slotCount) };
      return body(state);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Values and formatting (Go's fmt %v for the kinds a template can see here)

/** Runtime values: template data plus what functions and `range` produce (ints and booleans). */
type Value = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

interface State {
  readonly data: TemplateData;
  dot: Value;
  /** Variable slots, resolved at compile time; slot 0 is unused (`$` is `data`). */
  readonly vars: Value[];
}

type Eval = (state: State) => Value;
type Exec = (state: State) => string;

function isList(value: Value): value is readonly string[] {
  return Array.isArray(value);
}

function isMap(value: Value): value is Readonly<Record<string, string>> {
  return typeof value === 'object' && !Array.isArray(value);
}

/** Go's name for the type, as its error messages and `%!verb(type=value)` show it. */
function goTypeName(value: Value): string {
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
function isTrue(value: Value): boolean {
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
function lookup(map: Readonly<Record<string, string>>, key: string): string {
  return Object.hasOwn(map, key) ? (map[key] ?? '') : '';
}

function sortedKeys(map: Readonly<Record<string, string>>): string[] {
  return Object.keys(map).sort(compareGoStrings);
}

/** Go's fmt with verb v/s/d/q for one value, including the `%!d(string=x)` form for a bad verb. */
function formatValue(value: Value, verb: 'v' | 's' | 'd' | 'q'): string {
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

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** len of a Go string counts UTF-8 bytes. */
function utf8Length(text: string): number {
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

// ---------------------------------------------------------------------------------------------
// Lexer: text, comments and actions (each a list of tokens), with trim markers applied

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

interface Token {
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

interface ActionItem {
  readonly kind: 'action';
  readonly offset: number;
  /** The whole action as written, `<<` to `>>`, for messages. */
  readonly source: string;
  readonly tokens: readonly Token[];
}

type Item = TextItem | ActionItem;

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

function quoteAction(text: string): string {
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

function lex(source: string): Item[] {
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

// ---------------------------------------------------------------------------------------------
// Parser + compiler: actions to closures

interface Scope {
  readonly names: Map<string, number>;
}

interface ListEnd {
  /** 'end', 'else', 'else if' or 'eof'. */
  readonly kind: 'end' | 'else' | 'elseIf' | 'eof';
  readonly action: ActionItem | undefined;
}

/** Whether dot is the template data (top level, or a range's else branch) or a range element. */
type DotKind = 'root' | 'element';

class Compiler {
  readonly fields = new Set<string>();
  slotCount = 1;
  private readonly scopes: Scope[] = [{ names: new Map() }];
  private items: readonly Item[] = [];
  private index = 0;

  constructor(private readonly allowedFields: readonly string[]) {}

  compileItems(items: readonly Item[]): Exec {
    this.items = items;
    this.index = 0;
    const { body, end } = this.parseList('root');
    if (end.kind !== 'eof' && end.action !== undefined) {
      const word = end.kind === 'end' ? 'end' : 'else';
      this.fail(end.action, end.action.offset, `unexpected <<${word}>> with no <<if>> or <<range>> open`);
    }
    return body;
  }

  private fail(action: ActionItem, offset: number, message: string): never {
    throw new GoTemplateError(`${quoteAction(action.source)} at offset ${offset}: ${message}`, offset);
  }

  private parseList(dot: DotKind): { body: Exec; end: ListEnd } {
    const parts: (string | Exec)[] = [];
    for (;;) {
      const item = this.items[this.index++];
      if (item === undefined) return { body: concat(parts), end: { kind: 'eof', action: undefined } };
      if (item.kind === 'text') {
        parts.push(item.text);
        continue;
      }
      const first = item.tokens[0];
      if (first === undefined) this.fail(item, item.offset, 'empty action: missing value');
      if (first.kind === 'identifier') {
        switch (first.text) {
          case 'end':
            if (item.tokens.length > 1) this.fail(item, item.tokens[1]!.offset, 'unexpected text after end');
            return { body: concat(parts), end: { kind: 'end', action: item } };
          case 'else': {
            const next = item.tokens[1];
            if (next === undefined) return { body: concat(parts), end: { kind: 'else', action: item } };
            if (next.kind === 'identifier' && next.text === 'if') {
              return { body: concat(parts), end: { kind: 'elseIf', action: item } };
            }
            this.fail(item, next.offset, `only <<else>> and <<else if ...>> are supported; ${SUPPORTED}`);
            break;
          }
          case 'if':
            parts.push(this.compileIf(item, 1, dot));
            continue;
          case 'range':
            parts.push(this.compileRange(item, dot));
            continue;
        }
        if (UNSUPPORTED_KEYWORDS.has(first.text)) {
          this.fail(item, first.offset, `the ${first.text} action is not supported; ${SUPPORTED}`);
        }
      }
      const value = this.compilePipeline(item, item.tokens, 0, dot);
      parts.push((state) => {
        const result = value(state);
        return typeof result === 'string' ? result : formatValue(result, 'v');
      });
    }
  }

  /** `if` (or the `if` of `else if`) whose condition starts at token `at`; consumes to the `end`. */
  private compileIf(item: ActionItem, at: number, dot: DotKind): Exec {
    if (at >= item.tokens.length) this.fail(item, item.offset, 'missing condition for if');
    const condition = this.compilePipeline(item, item.tokens, at, dot);
    const then = this.parseList(dot);
    let otherwise: Exec | undefined;
    if (then.end.kind === 'else') {
      const rest = this.parseList(dot);
      if (rest.end.kind !== 'end') this.unclosed(item, rest.end, 'if');
      otherwise = rest.body;
    } else if (then.end.kind === 'elseIf') {
      // `else if` shares the one `end` of the chain: the nested if consumes it.
      otherwise = this.compileIf(then.end.action!, 2, dot);
    } else if (then.end.kind !== 'end') this.unclosed(item, then.end, 'if');
    const body = then.body;
    if (otherwise === undefined) return (state) => (isTrue(condition(state)) ? body(state) : '');
    const elseBody = otherwise;
    return (state) => (isTrue(condition(state)) ? body(state) : elseBody(state));
  }

  private unclosed(opened: ActionItem, end: ListEnd, what: string): never {
    if (end.kind === 'eof') {
      throw new GoTemplateError(
        `${quoteAction(opened.source)} at offset ${opened.offset}: missing <<end>> for this ${what}`,
        opened.offset,
      );
    }
    const action = end.action!;
    this.fail(action, action.offset, `unexpected ${action.source} in ${what}: expected <<end>>`);
  }

  private compileRange(item: ActionItem, dot: DotKind): Exec {
    const tokens = item.tokens;
    // Declarations: `$v :=` or `$i, $v :=`.
    const declared: Token[] = [];
    let at = 1;
    const declare = tokens.findIndex((token) => token.kind === 'declare' || token.kind === 'assign');
    if (declare >= 0) {
      if (tokens[declare]!.kind === 'assign') {
        this.fail(item, tokens[declare]!.offset, 'range variables are declared with :=, not assigned with =');
      }
      for (let i = 1; i < declare; i++) {
        const token = tokens[i]!;
        const expectVariable = (i - 1) % 2 === 0;
        if (expectVariable && token.kind === 'variable' && token.path!.length === 0 && token.text !== '$') {
          declared.push(token);
        } else if (!expectVariable && token.kind === 'comma') continue;
        else this.fail(item, token.offset, 'expected "range $v := .Field" or "range $i, $v := .Field"');
      }
      if (declared.length === 0 || declared.length > 2 || (declare - 1) % 2 === 0) {
        this.fail(item, item.offset, 'expected "range $v := .Field" or "range $i, $v := .Field"');
      }
      at = declare + 1;
    }
    if (at >= tokens.length) this.fail(item, item.offset, 'missing value for range');
    const collection = this.compilePipeline(item, tokens, at, dot);

    const scope: Scope = { names: new Map() };
    const slots = declared.map((token) => {
      const slot = this.slotCount++;
      scope.names.set(token.text, slot);
      return slot;
    });
    this.scopes.push(scope);
    const body = this.parseList('element');
    let otherwise: Exec | undefined;
    if (body.end.kind === 'else') {
      const rest = this.parseList(dot);
      if (rest.end.kind !== 'end') this.unclosed(item, rest.end, 'range');
      otherwise = rest.body;
    } else if (body.end.kind === 'elseIf') {
      this.fail(
        body.end.action!,
        body.end.action!.offset,
        '<<else if>> is supported in <<if>> only, not in <<range>>',
      );
    } else if (body.end.kind !== 'end') this.unclosed(item, body.end, 'range');
    this.scopes.pop();

    const keySlot = slots.length === 2 ? slots[0] : undefined;
    const valueSlot = slots.length === 2 ? slots[1] : slots[0];
    const run = body.body;
    return (state) => {
      const value = collection(state);
      if (typeof value !== 'object') {
        throw new GoTemplateError(
          `${quoteAction(item.source)} at offset ${item.offset}: range can't iterate over ${formatValue(value, 'v')} (type ${goTypeName(value)})`,
          item.offset,
        );
      }
      // Go sets the declared variables to the collection itself before iterating; the else branch sees that.
      for (const slot of slots) state.vars[slot] = value;
      const savedDot = state.dot;
      let out = '';
      if (isList(value)) {
        if (value.length === 0) return otherwise === undefined ? '' : otherwise(state);
        for (let i = 0; i < value.length; i++) {
          const element = value[i] ?? '';
          if (keySlot !== undefined) state.vars[keySlot] = i;
          if (valueSlot !== undefined) state.vars[valueSlot] = element;
          state.dot = element;
          out += run(state);
        }
      } else {
        const keys = sortedKeys(value);
        if (keys.length === 0) return otherwise === undefined ? '' : otherwise(state);
        for (const key of keys) {
          const element = value[key] ?? '';
          if (keySlot !== undefined) state.vars[keySlot] = key;
          if (valueSlot !== undefined) state.vars[valueSlot] = element;
          state.dot = element;
          out += run(state);
        }
      }
      state.dot = savedDot;
      return out;
    };
  }

  /** A pipeline from token `at` to the end of the action: one command, no `|`, no declarations. */
  private compilePipeline(item: ActionItem, tokens: readonly Token[], at: number, dot: DotKind): Eval {
    for (let i = at; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind === 'pipe') {
        this.fail(
          item,
          token.offset,
          `pipelines with "|" are not supported; call the function with the value as its last argument (<<len .X>> instead of <<.X | len>>); ${SUPPORTED}`,
        );
      }
      if (token.kind === 'declare' || token.kind === 'assign') {
        this.fail(
          item,
          token.offset,
          `variables can be declared only in range ($i, $v := .Field); ${SUPPORTED}`,
        );
      }
    }
    const { evaluate, next } = this.compileCommand(item, tokens, at, dot);
    if (next < tokens.length) this.fail(item, tokens[next]!.offset, `unexpected ${tokens[next]!.text}`);
    return evaluate;
  }

  /** A command: a function call with arguments, or one operand. Stops at `)` or the end. */
  private compileCommand(
    item: ActionItem,
    tokens: readonly Token[],
    at: number,
    dot: DotKind,
  ): { evaluate: Eval; next: number } {
    const head = tokens[at];
    if (head === undefined || head.kind === 'close') {
      this.fail(item, head?.offset ?? item.offset, 'missing value for command');
    }
    if (head.kind === 'identifier') {
      const name = this.functionName(item, head);
      const args: Eval[] = [];
      const argTokens: Token[] = [];
      let next = at + 1;
      while (next < tokens.length && tokens[next]!.kind !== 'close') {
        argTokens.push(tokens[next]!);
        const operand = this.compileOperand(item, tokens, next, dot);
        args.push(operand.evaluate);
        next = operand.next;
      }
      return { evaluate: this.compileCall(item, head, name, args, argTokens), next };
    }
    const operand = this.compileOperand(item, tokens, at, dot);
    const extra = tokens[operand.next];
    if (extra !== undefined && extra.kind !== 'close') {
      this.fail(item, extra.offset, `${head.text} is not a function and can't take arguments; ${SUPPORTED}`);
    }
    return operand;
  }

  private functionName(item: ActionItem, token: Token): FunctionName {
    const name = token.text;
    if ((FUNCTIONS as readonly string[]).includes(name)) return name as FunctionName;
    if (name === 'nil') this.fail(item, token.offset, 'nil is not a command');
    if (name === 'join') {
      this.fail(
        item,
        token.offset,
        'join is not a Go template function (prometheus-adapter does not define it either); ' +
          'write <<range $i, $v := .GroupBySlice>><<if $i>>,<<end>><<$v>><<end>>',
      );
    }
    if (
      name === 'if' ||
      name === 'range' ||
      name === 'else' ||
      name === 'end' ||
      UNSUPPORTED_KEYWORDS.has(name)
    ) {
      this.fail(item, token.offset, `${name} must start an action; ${SUPPORTED}`);
    }
    const kind = OTHER_GO_FUNCTIONS.has(name) ? 'Go template function' : 'function';
    this.fail(item, token.offset, `the ${kind} ${name} is not supported; ${SUPPORTED}`);
  }

  private compileOperand(
    item: ActionItem,
    tokens: readonly Token[],
    at: number,
    dot: DotKind,
  ): { evaluate: Eval; next: number } {
    const token = tokens[at]!;
    switch (token.kind) {
      case 'open': {
        const inner = this.compileCommand(item, tokens, at + 1, dot);
        if (tokens[inner.next]?.kind !== 'close') this.fail(item, token.offset, 'unclosed left paren');
        return { evaluate: inner.evaluate, next: inner.next + 1 };
      }
      case 'string':
      case 'number':
      case 'bool': {
        const constant = token.value!;
        return { evaluate: () => constant, next: at + 1 };
      }
      case 'dot':
        if (dot === 'root') {
          this.fail(
            item,
            token.offset,
            'outside range, "." is the whole data object, which has no text form here; name a field such as .' +
              (this.allowedFields[0] ?? 'Field'),
          );
        }
        return { evaluate: (state) => state.dot, next: at + 1 };
      case 'field': {
        if (dot === 'element') {
          this.fail(
            item,
            token.offset,
            `inside range, "." is the current element (a string), so ${token.text} has no value; ` +
              `write $${token.text} to read the top-level field`,
          );
        }
        return { evaluate: this.compileFieldPath(item, token, token.path!), next: at + 1 };
      }
      case 'variable': {
        const name = String(token.value);
        if (name === '$') {
          if (token.path!.length === 0) {
            this.fail(
              item,
              token.offset,
              '$ is the whole data object, which has no text form here; name a field such as $.Series',
            );
          }
          return { evaluate: this.compileFieldPath(item, token, token.path!), next: at + 1 };
        }
        const slot = this.lookupVariable(name);
        if (slot === undefined) this.fail(item, token.offset, `undefined variable ${name}`);
        if (token.path!.length > 0) {
          this.fail(item, token.offset, `${token.text}: range variables hold strings, which have no fields`);
        }
        return { evaluate: (state) => state.vars[slot] ?? '', next: at + 1 };
      }
      case 'identifier':
        if (token.text === 'nil') this.fail(item, token.offset, 'nil is not a value here');
        this.functionName(item, token);
        return this.fail(
          item,
          token.offset,
          `call ${token.text} in parentheses when it is an argument: (${token.text} ...)`,
        );
      default:
        return this.fail(item, token.offset, `unexpected ${token.text}`);
    }
  }

  private lookupVariable(name: string): number | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const slot = this.scopes[i]!.names.get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  /** `.Field` or `.Field.key` from the template data; a field must be allowed. */
  private compileFieldPath(item: ActionItem, token: Token, path: readonly string[]): Eval {
    const [field, key, ...rest] = path;
    if (field === undefined) return this.fail(item, token.offset, 'missing field name');
    if (!this.allowedFields.includes(field))
      this.fail(item, token.offset, unknownFieldMessage(field, this.allowedFields));
    if (rest.length > 0) {
      this.fail(
        item,
        token.offset,
        `${token.text}: .${field}.${key} is a string, which has no field ${rest[0]}`,
      );
    }
    this.fields.add(field);
    const where = `${quoteAction(item.source)} at offset ${token.offset}`;
    const read = (state: State): TemplateValue => {
      const value = state.data[field];
      if (value === undefined) {
        throw new GoTemplateError(`${where}: the data has no value for .${field}`, token.offset);
      }
      return value;
    };
    if (key === undefined) return read;
    return (state) => {
      const value = read(state);
      if (typeof value === 'string' || isList(value)) {
        throw new GoTemplateError(
          `${where}: can't evaluate field ${key} in type ${goTypeName(value)} (only maps have keys)`,
          token.offset,
        );
      }
      return lookup(value, key);
    };
  }

  private compileCall(
    item: ActionItem,
    head: Token,
    name: FunctionName,
    args: Eval[],
    argTokens: Token[],
  ): Eval {
    const where = `${quoteAction(item.source)} at offset ${head.offset}`;
    const arity = (min: number, max: number): void => {
      if (args.length < min || args.length > max) {
        const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
        this.fail(
          item,
          head.offset,
          `wrong number of arguments for ${name}: want ${want}, got ${args.length}`,
        );
      }
    };
    const runtimeError = (message: string): never => {
      throw new GoTemplateError(`${where}: error calling ${name}: ${message}`, head.offset);
    };
    switch (name) {
      case 'len': {
        arity(1, 1);
        const [arg] = args as [Eval];
        return (state) => {
          const value = arg(state);
          if (typeof value === 'string') return utf8Length(value);
          if (isList(value)) return value.length;
          if (isMap(value)) return Object.keys(value).length;
          return runtimeError(`len of type ${goTypeName(value)}`);
        };
      }
      case 'index': {
        arity(1, Infinity);
        const [collection, ...keys] = args as [Eval, ...Eval[]];
        return (state) => {
          let value = collection(state);
          for (const keyOf of keys) {
            const key = keyOf(state);
            if (isMap(value)) {
              if (typeof key !== 'string')
                return runtimeError(`value has type ${goTypeName(key)}; should be string`);
              value = lookup(value, key);
            } else if (isList(value) || typeof value === 'string') {
              if (typeof key !== 'number')
                return runtimeError(`cannot index slice/array with type ${goTypeName(key)}`);
              const length = typeof value === 'string' ? utf8Length(value) : value.length;
              if (key < 0 || key >= length) return runtimeError(`index out of range: ${key}`);
              // Indexing a Go string gives a byte, which prints as a number.
              value = typeof value === 'string' ? (Buffer.from(value, 'utf8')[key] ?? 0) : (value[key] ?? '');
            } else return runtimeError(`can't index item of type ${goTypeName(value)}`);
          }
          return value;
        };
      }
      case 'print':
        return (state) => {
          let out = '';
          let previousString = true;
          for (let i = 0; i < args.length; i++) {
            const value = args[i]!(state);
            const isString = typeof value === 'string';
            // fmt.Sprint: a space between operands when neither is a string.
            if (i > 0 && !isString && !previousString) out += ' ';
            out += isString ? value : formatValue(value, 'v');
            previousString = isString;
          }
          return out;
        };
      case 'printf':
        return this.compilePrintf(item, head, args, argTokens);
      case 'eq':
      case 'ne': {
        if (name === 'eq') arity(2, Infinity);
        else arity(2, 2);
        const [first, ...others] = args as [Eval, ...Eval[]];
        const equal = (a: Value, b: Value): boolean => {
          if (typeof a === 'object' || typeof b === 'object') {
            return runtimeError(`non-comparable type ${goTypeName(typeof a === 'object' ? a : b)}`);
          }
          if (typeof a !== typeof b) return runtimeError('incompatible types for comparison');
          return a === b;
        };
        if (name === 'ne') {
          const second = others[0]!;
          return (state) => !equal(first(state), second(state));
        }
        return (state) => {
          const a = first(state);
          for (const other of others) if (equal(a, other(state))) return true;
          return false;
        };
      }
      case 'not': {
        arity(1, 1);
        const [arg] = args as [Eval];
        return (state) => !isTrue(arg(state));
      }
      case 'and':
      case 'or': {
        arity(1, Infinity);
        const stopWhen = name === 'or';
        // Go 1.18+: evaluate left to right, stop at the first false (and) or true (or) argument, return it.
        return (state) => {
          let value: Value = '';
          for (const arg of args) {
            value = arg(state);
            if (isTrue(value) === stopWhen) return value;
          }
          return value;
        };
      }
    }
  }

  private compilePrintf(item: ActionItem, head: Token, args: Eval[], argTokens: Token[]): Eval {
    const formatToken = argTokens[0];
    if (formatToken === undefined || formatToken.kind !== 'string') {
      this.fail(
        item,
        formatToken?.offset ?? head.offset,
        'printf needs a constant format string as its first argument',
      );
    }
    const format = String(formatToken.value);
    const pieces: (string | { verb: 'v' | 's' | 'd' | 'q' })[] = [];
    let literal = '';
    for (let i = 0; i < format.length; i++) {
      const char = format[i];
      if (char !== '%') {
        literal += char;
        continue;
      }
      const verb = format[i + 1];
      i++;
      if (verb === '%') literal += '%';
      else if (verb === 'v' || verb === 's' || verb === 'd' || verb === 'q') {
        pieces.push(literal, { verb });
        literal = '';
      } else {
        const shown = verb === undefined ? '%' : `%${verb}`;
        this.fail(
          item,
          formatToken.offset,
          `printf verb ${shown} in ${JSON.stringify(format)} is not supported; supported: %s %d %v %q and %% (no flags or widths)`,
        );
      }
    }
    pieces.push(literal);
    const values = args.slice(1);
    const verbs = pieces.filter(
      (piece): piece is { verb: 'v' | 's' | 'd' | 'q' } => typeof piece !== 'string',
    );
    if (verbs.length !== values.length) {
      this.fail(
        item,
        head.offset,
        `printf format ${JSON.stringify(format)} has ${verbs.length} verb(s) but ${values.length} argument(s) follow it`,
      );
    }
    return (state) => {
      let out = '';
      let next = 0;
      for (const piece of pieces) {
        if (typeof piece === 'string') out += piece;
        else out += formatValue(values[next++]!(state), piece.verb);
      }
      return out;
    };
  }
}

function concat(parts: readonly (string | Exec)[]): Exec {
  // Merge adjacent text (e.g. text around a comment) so render does the fewest concatenations.
  const merged: (string | Exec)[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (typeof part === 'string' && typeof last === 'string') merged[merged.length - 1] = last + part;
    else merged.push(part);
  }
  if (merged.length === 0) return () => '';
  if (merged.length === 1) {
    const only = merged[0]!;
    return typeof only === 'string' ? () => only : only;
  }
  return (state) => {
    let out = '';
    for (const part of merged) out += typeof part === 'string' ? part : part(state);
    return out;
  };
}

/** Names the unknown field, lists the allowed ones and suggests a near miss (Go is case-sensitive). */
function unknownFieldMessage(field: string, allowed: readonly string[]): string {
  const list = allowed.length === 0 ? 'none' : allowed.map((name) => `.${name}`).join(', ');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of allowed) {
    const distance = name.toLowerCase() === field.toLowerCase() ? 0 : editDistance(name, field);
    if (distance < bestDistance && distance <= Math.max(1, Math.floor(name.length / 3))) {
      best = name;
      bestDistance = distance;
    }
  }
  const suggestion =
    best === undefined
      ? ''
      : ` Did you mean .${best}?` +
        (best.toLowerCase() === field.toLowerCase() ? ' (Go field names are case-sensitive.)' : '');
  return `unknown field .${field}; the fields available here are ${list}.${suggestion}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
