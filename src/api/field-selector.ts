/**
 * Kubernetes field selectors (`?fieldSelector=`, `kubectl --field-selector`): comma-separated,
 * ANDed terms `field=value`, `field==value` or `field!=value`.
 *
 * Parsing follows k8s.io/apimachinery pkg/fields/selector.go: terms split on unescaped commas,
 * each term splits at the first `!=`, `==` or `=`; in values `\,`, `\=` and `\\` stand for `,`, `=`
 * and `\`, any other escape or an unescaped `,`/`=` is an error. Whitespace is *not* trimmed
 * (the API server does not trim it either). Which fields a resource supports is the server's
 * business, not the parser's.
 */
import { SelectorError } from './selector-error.js';

/** `=` and `==` mean the same; both print as `=`. */
export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  /** Unescaped value. */
  readonly value: string;
}

/** A parsed field selector; immutable. */
export interface FieldSelector {
  /** Requirements in canonical (sorted) order; empty for the selector that matches everything. */
  readonly requirements: readonly FieldRequirement[];
  /**
   * True when every requirement holds; `get` returns a field's value, `undefined` for a field the
   * object lacks (compared as the empty string, as apimachinery's `fields.Set` does).
   */
  matches(get: (field: string) => string | undefined): boolean;
  /** The value `field` must equal, if a `=`/`==` requirement pins it (apimachinery `RequiresExactMatch`). */
  exactMatch(field: string): string | undefined;
  /** Canonical form with values escaped, e.g. `spec.nodeName=n1,status.phase!=Failed`. */
  toString(): string;
  isEmpty(): boolean;
}

const FIELD_SELECTOR_HINT =
  'Field selectors look like "spec.nodeName=node-1,status.phase!=Succeeded"; escape "," "=" and "\\" in values with a backslash.';

/** Escapes `\`, `,` and `=` in a value (apimachinery `fields.EscapeValue`). */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Splits on commas that are not escaped with a backslash, keeping each part's offset. */
function splitTerms(input: string): { text: string; position: number }[] {
  const parts: { text: string; position: number }[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      parts.push({ text: input.slice(start, i), position: start });
      start = i + 1;
    }
  }
  parts.push({ text: input.slice(start), position: start });
  return parts;
}

class TermSelector implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = Object.freeze(requirements.map((r) => Object.freeze({ ...r })));
  }

  matches(get: (field: string) => string | undefined): boolean {
    for (const r of this.requirements) {
      const equal = (get(r.field) ?? '') === r.value;
      if (equal === (r.operator === '!=')) return false;
    }
    return true;
  }

  exactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }

  toString(): string {
    return this.requirements
      .map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`)
      .join(',');
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }
}

/**
 * Parses a field selector. Empty terms (`a=b,`) are skipped; the empty string matches everything.
 *
 * @throws {SelectorError} quoting the selector and the term, with the offset of the problem.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const fail = (position: number, message: string): never => {
    throw new SelectorError(`invalid field selector "${selector}": ${message}`, {
      selector,
      position,
      hint: FIELD_SELECTOR_HINT,
    });
  };
  const terms: { raw: string; requirement: FieldRequirement }[] = [];
  for (const part of splitTerms(selector)) {
    if (part.text === '') continue;
    const match = /!=|==|=/.exec(part.text);
    if (match === null)
      return fail(part.position, `term "${part.text}" at position ${part.position} has no '=', '==' or '!='`);
    const field = part.text.slice(0, match.index);
    if (field === '')
      fail(
        part.position,
        `term "${part.text}" at position ${part.position} has no field name before '${match[0]}'`,
      );
    const valueStart = match.index + match[0].length;
    const value = unescapeValue(part.text.slice(valueStart), (offset, message) =>
      fail(
        part.position + valueStart + offset,
        `${message} at position ${part.position + valueStart + offset}`,
      ),
    );
    terms.push({ raw: part.text, requirement: { field, operator: match[0] as FieldOperator, value } });
  }
  // apimachinery sorts the raw terms before parsing; do the same so toString() is canonical.
  terms.sort((a, b) => (a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0));
  return new TermSelector(terms.map((t) => t.requirement));
}

function unescapeValue(text: string, fail: (offset: number, message: string) => never): string {
  if (!/[\\,=]/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) fail(i, 'the value ends in a lone "\\" (write "\\\\" for a backslash)');
      if (next !== '\\' && next !== ',' && next !== '=')
        fail(i, `"\\${next}" is not an escape sequence (only "\\\\", "\\," and "\\=" are)`);
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      fail(i, `an unescaped "${c}" in a value (write "\\${c}")`);
    } else {
      out += c;
    }
  }
  return out;
}

/** The selector that matches everything. */
export const EVERYTHING_FIELD_SELECTOR: FieldSelector = new TermSelector([]);

/** `f1=v1,f2=v2` for a set of exact field values (apimachinery `fields.SelectorFromSet`). */
export function fieldSelectorFromSet(fields: Readonly<Record<string, string>>): FieldSelector {
  return new TermSelector(
    Object.keys(fields)
      .sort()
      .map((field) => ({ field, operator: '=' as const, value: fields[field] ?? '' })),
  );
}
