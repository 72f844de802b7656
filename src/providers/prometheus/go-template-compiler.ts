/**
 * The compiler of the Go template subset (go-template.ts): parses the lexed items into if/range/
 * else structure and turns every action into a closure once, checking fields, functions and
 * arities at compile time, so that rendering only runs closures.
 */
import { quoteAction, type ActionItem, type Item, type Token } from './go-template-lexer.js';
import { GoTemplateError, SUPPORTED, type TemplateValue } from './go-template-types.js';
import {
  formatValue,
  goTypeName,
  isList,
  isMap,
  isTrue,
  lookup,
  sortedKeys,
  utf8Length,
  type Eval,
  type Exec,
  type State,
  type Value,
} from './go-template-values.js';

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

export class Compiler {
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
