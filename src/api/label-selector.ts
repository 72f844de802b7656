/**
 * Kubernetes label selectors: the string grammar of `?labelSelector=` / `kubectl -l`, the wire
 * form `{ matchLabels, matchExpressions }`, matching, and the canonical string form.
 *
 * Grammar and validation follow k8s.io/apimachinery pkg/labels/selector.go (lexer, parser,
 * NewRequirement) and pkg/util/validation (IsQualifiedName, IsValidLabelValue):
 *
 *   selector    = [ requirement { "," requirement } ]
 *   requirement = [ "!" ] key
 *               | key ( "=" | "==" | "!=" ) [ value ]
 *               | key ( "in" | "notin" ) "(" [ value { "," value } ] ")"
 *               | key ( ">" | "<" ) integer
 *
 * Whitespace (space, tab, CR, LF) may surround every token. Requirements are ANDed and kept sorted
 * by key, as apimachinery does, so `toString()` gives the canonical form the API server would print.
 */
import type { LabelSelectorRequirementWire, LabelSelectorWire } from './metrics.js';
import { SelectorError } from './selector-error.js';

export { SelectorError } from './selector-error.js';
export type { SelectorErrorOptions } from './selector-error.js';

/** apimachinery `selection.Operator` values (the same strings Go uses). */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One ANDed term of a label selector. `values` are de-duplicated and sorted. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** A parsed label selector; immutable. */
export interface LabelSelector {
  /** Requirements sorted by key; empty for the selector that matches everything. */
  readonly requirements: readonly LabelRequirement[];
  /** True when every requirement holds for `labels` (absent labels count as an empty set). */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** Canonical string form, e.g. `app=web,tier in (a,b),!legacy`; `''` for the empty selector. */
  toString(): string;
  /** True when there are no requirements, i.e. the selector matches every object. */
  isEmpty(): boolean;
}

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const INT64 = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * What is wrong with a label key (apimachinery `IsQualifiedName`): an optional DNS-1123 subdomain
 * prefix of at most 253 characters and a `/`, then a name of 1–63 alphanumerics, `-`, `_`, `.`
 * that starts and ends alphanumeric. Returns an empty array for a valid key.
 */
export function labelKeyProblems(key: string): string[] {
  const problems: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = key;
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) problems.push('the prefix before "/" must not be empty');
    else if (prefix.length > 253) problems.push('the prefix before "/" must be at most 253 characters');
    else if (!DNS1123_SUBDOMAIN.test(prefix))
      problems.push(
        'the prefix before "/" must be a DNS subdomain: lowercase alphanumerics, "-" and ".", starting and ending alphanumeric (e.g. "example.com")',
      );
  } else {
    return ['a key may contain at most one "/" (an optional DNS prefix, then the name)'];
  }
  if (name.length === 0) problems.push('the name part must not be empty');
  else if (name.length > 63) problems.push('the name part must be at most 63 characters');
  else if (!NAME_PART.test(name))
    problems.push(
      'the name part must consist of alphanumerics, "-", "_" or ".", starting and ending alphanumeric (e.g. "app" or "app.kubernetes.io/name")',
    );
  return problems;
}

/**
 * What is wrong with a label value (apimachinery `IsValidLabelValue`): empty, or at most 63
 * alphanumerics, `-`, `_`, `.` starting and ending alphanumeric. Empty array when valid.
 */
export function labelValueProblems(value: string): string[] {
  if (value.length > 63) return ['a value must be at most 63 characters'];
  if (!LABEL_VALUE.test(value))
    return [
      'a value must be empty or consist of alphanumerics, "-", "_" or ".", starting and ending alphanumeric',
    ];
  return [];
}

function parseInt64(text: string): bigint | undefined {
  if (!INT64.test(text)) return undefined;
  const n = BigInt(text);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

// ---------------------------------------------------------------------------------------------
// Lexer (apimachinery labels.Lexer): identifiers run until whitespace or a special symbol;
// special symbols are scanned greedily so `!=` and `==` win over `!` and `=`.

type TokenType =
  'identifier' | 'in' | 'notin' | '!' | '=' | '==' | '!=' | '>' | '<' | '(' | ')' | ',' | 'end';

interface Token {
  readonly type: TokenType;
  readonly text: string;
  readonly position: number;
}

const SPECIAL_CHARS = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (true) {
    while (i < input.length && WHITESPACE.has(input[i] ?? '')) i++;
    // A NUL ends the input, as in the Go lexer.
    if (i >= input.length || input[i] === '\0') {
      tokens.push({ type: 'end', text: '', position: i });
      return tokens;
    }
    const start = i;
    const ch = input[i] ?? '';
    if (SPECIAL_CHARS.has(ch)) {
      const next = input[i + 1];
      if ((ch === '!' || ch === '=') && next === '=') {
        tokens.push({ type: ch === '!' ? '!=' : '==', text: ch + next, position: start });
        i += 2;
      } else {
        tokens.push({ type: ch as TokenType, text: ch, position: start });
        i += 1;
      }
      continue;
    }
    while (
      i < input.length &&
      input[i] !== '\0' &&
      !SPECIAL_CHARS.has(input[i] ?? '') &&
      !WHITESPACE.has(input[i] ?? '')
    )
      i++;
    const text = input.slice(start, i);
    const type: TokenType = text === 'in' ? 'in' : text === 'notin' ? 'notin' : 'identifier';
    tokens.push({ type, text, position: start });
  }
}

// ---------------------------------------------------------------------------------------------
// Parser (apimachinery labels.Parser).

const BINARY_OPERATORS = "'in', 'notin', '=', '==', '!=', '>' or '<'";

class Parser {
  private index = 0;
  private readonly tokens: Token[];

  constructor(private readonly input: string) {
    this.tokens = tokenize(input);
  }

  /** Where the grammar allows a value, the keywords `in`/`notin` are plain identifiers. */
  private peek(valueContext = true): Token {
    const token = this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
    return valueContext && (token.type === 'in' || token.type === 'notin')
      ? { ...token, type: 'identifier' }
      : token;
  }

  private next(valueContext = true): Token {
    const token = this.peek(valueContext);
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  private fail(token: Token, expected: string): never {
    const found = token.type === 'end' ? 'end of string' : `'${token.text}'`;
    throw new SelectorError(
      `invalid label selector "${this.input}": at position ${token.position} found ${found}, expected ${expected}`,
      { selector: this.input, position: token.position, hint: LABEL_SELECTOR_HINT },
    );
  }

  private invalid(position: number, what: string, problems: string[]): never {
    throw new SelectorError(
      `invalid label selector "${this.input}": ${what} at position ${position}: ${problems.join('; ')}`,
      { selector: this.input, position, hint: LABEL_SELECTOR_HINT },
    );
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    let token = this.peek();
    if (token.type === 'end') return requirements;
    if (token.type !== 'identifier' && token.type !== '!')
      this.fail(token, "'!', a label key or end of string");
    while (true) {
      requirements.push(this.parseRequirement());
      token = this.next();
      if (token.type === 'end') return requirements;
      if (token.type !== ',') this.fail(token, "',' or end of string");
      const after = this.peek();
      if (after.type !== 'identifier' && after.type !== '!') this.fail(after, "'!' or a label key after ','");
    }
  }

  private parseRequirement(): LabelRequirement {
    let token = this.next();
    let negated = false;
    if (token.type === '!') {
      negated = true;
      token = this.next();
    }
    if (token.type !== 'identifier') this.fail(token, 'a label key');
    const key = token.text;
    const keyProblems = labelKeyProblems(key);
    if (keyProblems.length > 0) this.invalid(token.position, `label key "${key}"`, keyProblems);
    const following = this.peek();
    if (negated) return { key, operator: '!', values: [] };
    if (following.type === 'end' || following.type === ',') return { key, operator: 'exists', values: [] };

    const opToken = this.next(false);
    let operator: LabelOperator;
    switch (opToken.type) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        operator = opToken.type;
        break;
      case '>':
        operator = 'gt';
        break;
      case '<':
        operator = 'lt';
        break;
      default:
        return this.fail(opToken, BINARY_OPERATORS);
    }

    const values: { text: string; position: number }[] = [];
    if (operator === 'in' || operator === 'notin') {
      const open = this.next();
      if (open.type !== '(') this.fail(open, "'('");
      this.parseValueList(values);
    } else {
      const value = this.peek();
      if (value.type === 'end' || value.type === ',') {
        values.push({ text: '', position: value.position });
      } else if (value.type === 'identifier') {
        this.next();
        values.push({ text: value.text, position: value.position });
      } else {
        this.fail(value, 'a label value');
      }
    }

    for (const value of values) {
      const problems = labelValueProblems(value.text);
      if (problems.length > 0)
        this.invalid(value.position, `value "${value.text}" for key "${key}"`, problems);
    }
    if (operator === 'gt' || operator === 'lt') {
      const value = values[0]!;
      if (parseInt64(value.text) === undefined)
        this.invalid(value.position, `value "${value.text}" for key "${key}"`, [
          `the '${operator === 'gt' ? '>' : '<'}' operator needs an integer value`,
        ]);
    }
    return { key, operator, values: normalizeValues(values.map((v) => v.text)) };
  }

  /**
   * The `( v1, v2 )` list after `in`/`notin`. As in apimachinery, an empty slot — `()`, `(,a)`,
   * `(a,)`, `(a,,b)` — stands for the empty value.
   */
  private parseValueList(values: { text: string; position: number }[]): void {
    let expectValue = true;
    while (true) {
      const token = this.next();
      if (token.type === ')') {
        if (expectValue) values.push({ text: '', position: token.position });
        return;
      }
      if (token.type === ',') {
        if (expectValue) values.push({ text: '', position: token.position });
        expectValue = true;
        continue;
      }
      if (token.type === 'identifier' && expectValue) {
        values.push({ text: token.text, position: token.position });
        expectValue = false;
        continue;
      }
      this.fail(token, expectValue ? "a label value, ',' or ')'" : "',' or ')'");
    }
  }
}

const LABEL_SELECTOR_HINT =
  'Label selectors look like "app=web,tier!=db", "env in (prod,staging)", "gpu", "!legacy"; quote the whole selector in a shell.';

function normalizeValues(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Matching and printing.

/** A label's value, ignoring inherited properties such as `constructor`. */
function ownLabel(labels: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** True when one requirement holds for `labels` (apimachinery `Requirement.Matches`). */
export function labelRequirementMatches(
  requirement: LabelRequirement,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const value = ownLabel(labels, requirement.key);
  const has = value !== undefined;
  switch (requirement.operator) {
    case '=':
    case '==':
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || requirement.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(requirement.values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return requirement.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/** Canonical text of one requirement, as apimachinery's `Requirement.String`. */
export function labelRequirementToString(requirement: LabelRequirement): string {
  const { key, operator, values } = requirement;
  const joined = values.join(',');
  switch (operator) {
    case 'exists':
      return key;
    case '!':
      return `!${key}`;
    case 'in':
      return `${key} in (${joined})`;
    case 'notin':
      return `${key} notin (${joined})`;
    case 'gt':
      return `${key}>${joined}`;
    case 'lt':
      return `${key}<${joined}`;
    default:
      return `${key}${operator}${joined}`;
  }
}

class RequirementSelector implements LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  /** Set lookups keep `matches` cheap when scanning large lists with `in (...)` selectors. */
  private readonly compiled: readonly { requirement: LabelRequirement; set: ReadonlySet<string> }[];

  constructor(requirements: readonly LabelRequirement[]) {
    const sorted = [...requirements].sort((a, b) => compareStrings(a.key, b.key));
    this.requirements = Object.freeze(
      sorted.map((r) =>
        Object.freeze({ key: r.key, operator: r.operator, values: Object.freeze([...r.values]) }),
      ),
    );
    this.compiled = this.requirements.map((requirement) => ({
      requirement,
      set: new Set(requirement.values),
    }));
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    for (const { requirement, set } of this.compiled) {
      const op = requirement.operator;
      if (op === '=' || op === '==' || op === 'in') {
        const value = ownLabel(labels, requirement.key);
        if (value === undefined || !set.has(value)) return false;
      } else if (op === '!=' || op === 'notin') {
        const value = ownLabel(labels, requirement.key);
        if (value !== undefined && set.has(value)) return false;
      } else if (!labelRequirementMatches(requirement, labels)) {
        return false;
      }
    }
    return true;
  }

  toString(): string {
    return this.requirements.map(labelRequirementToString).join(',');
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }
}

/**
 * Parses the string form of a label selector (`kubectl -l`, `?labelSelector=`). The empty string
 * (or only whitespace) gives the selector that matches everything.
 *
 * @throws {SelectorError} with the selector quoted and the position of the offending token.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  return new RequirementSelector(new Parser(selector).parse());
}

/** The selector that matches everything. */
export const EVERYTHING_LABEL_SELECTOR: LabelSelector = new RequirementSelector([]);

/** The selector `k1=v1,k2=v2` for a label set (apimachinery `SelectorFromSet`). */
export function labelSelectorFromSet(labels: Readonly<Record<string, string>>): LabelSelector {
  return labelSelectorFromWire({ matchLabels: { ...labels } });
}

const WIRE_OPERATORS: Readonly<Record<LabelSelectorRequirementWire['operator'], LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts the structured form (`metav1.LabelSelector`: `matchLabels` + `matchExpressions`) into
 * a {@link LabelSelector}, validating keys, values and operators like apimachinery's
 * `LabelSelectorAsSelector`. An empty object matches everything. (Go treats a *nil* selector as
 * "matches nothing"; callers that hold an optional selector decide that case themselves.)
 *
 * @throws {SelectorError} naming the offending key, value or operator.
 */
export function labelSelectorFromWire(wire: LabelSelectorWire): LabelSelector {
  const text = JSON.stringify(wire);
  const fail = (message: string): never => {
    throw new SelectorError(`invalid label selector ${text}: ${message}`, {
      selector: text,
      hint: 'matchExpressions operators are In, NotIn, Exists and DoesNotExist; In/NotIn need values, Exists/DoesNotExist take none.',
    });
  };
  const checkKey = (key: string): void => {
    const problems = labelKeyProblems(key);
    if (problems.length > 0) fail(`label key "${key}": ${problems.join('; ')}`);
  };
  const checkValue = (key: string, value: unknown): string => {
    if (typeof value !== 'string')
      return fail(`value for key "${key}" must be a string, got ${JSON.stringify(value)}`);
    const problems = labelValueProblems(value);
    if (problems.length > 0) fail(`value "${value}" for key "${key}": ${problems.join('; ')}`);
    return value;
  };

  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(wire.matchLabels ?? {})) {
    checkKey(key);
    requirements.push({ key, operator: '=', values: [checkValue(key, value)] });
  }
  for (const expression of wire.matchExpressions ?? []) {
    const key = expression.key;
    checkKey(key);
    const operator = WIRE_OPERATORS[expression.operator];
    if (operator === undefined)
      return fail(
        `"${String(expression.operator)}" is not a label selector operator (In, NotIn, Exists, DoesNotExist)`,
      );
    const values = (expression.values ?? []).map((v) => checkValue(key, v));
    if ((operator === 'in' || operator === 'notin') && values.length === 0)
      fail(`operator ${expression.operator} for key "${key}" needs at least one value`);
    if ((operator === 'exists' || operator === '!') && values.length > 0)
      fail(`operator ${expression.operator} for key "${key}" takes no values`);
    requirements.push({ key, operator, values: normalizeValues(values) });
  }
  return new RequirementSelector(requirements);
}

/**
 * Converts a selector to the structured form. Equality requirements become `matchLabels` (unless
 * a key repeats), `!=` becomes `NotIn`, set and existence requirements become `matchExpressions`.
 *
 * @throws {SelectorError} for `>`/`<` requirements, which the structured form cannot express.
 */
export function labelSelectorToWire(selector: LabelSelector): LabelSelectorWire {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirementWire[] = [];
  const keyCounts = new Map<string, number>();
  for (const r of selector.requirements) keyCounts.set(r.key, (keyCounts.get(r.key) ?? 0) + 1);
  for (const r of selector.requirements) {
    switch (r.operator) {
      case '=':
      case '==':
        if (keyCounts.get(r.key) === 1) matchLabels[r.key] = r.values[0] ?? '';
        else matchExpressions.push({ key: r.key, operator: 'In', values: [...r.values] });
        break;
      case 'in':
        matchExpressions.push({ key: r.key, operator: 'In', values: [...r.values] });
        break;
      case '!=':
      case 'notin':
        matchExpressions.push({ key: r.key, operator: 'NotIn', values: [...r.values] });
        break;
      case 'exists':
        matchExpressions.push({ key: r.key, operator: 'Exists' });
        break;
      case '!':
        matchExpressions.push({ key: r.key, operator: 'DoesNotExist' });
        break;
      case 'gt':
      case 'lt': {
        const text = selector.toString();
        throw new SelectorError(
          `label selector "${text}" cannot be written as matchLabels/matchExpressions: "${labelRequirementToString(r)}" uses '${r.operator === 'gt' ? '>' : '<'}'`,
          { selector: text, hint: 'Only =, ==, !=, in, notin, exists and !key have a structured form.' },
        );
      }
    }
  }
  const wire: LabelSelectorWire = {};
  if (Object.keys(matchLabels).length > 0) wire.matchLabels = matchLabels;
  if (matchExpressions.length > 0) wire.matchExpressions = matchExpressions;
  return wire;
}
