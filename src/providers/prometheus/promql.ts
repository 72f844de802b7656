/**
 * PromQL label matchers from Kubernetes requests: the metric label selector of the HPA, the
 * namespace, and the names of the described objects.
 *
 * Differences from prometheus-adapter (pkg/naming/metrics_query.go), each on purpose:
 * - Values are escaped: as PromQL strings always, and as regular expressions when several are
 *   joined into one `=~` (the adapter joins raw values, so `a.b` also matches `aXb`).
 * - A single-value `in`/`notin` becomes `=`/`!=` instead of a regex.
 * - Label keys that are not Prometheus label names (`app.kubernetes.io/name`) are rejected with a
 *   400 naming the key, rather than producing a query Prometheus refuses.
 * - Long name lists are split into batches whose regex stays under a bound (see {@link batchNames});
 *   the adapter sends one regex of every name, which Prometheus evaluates slowly or the URL
 *   length limit of a proxy cuts.
 */
import type { LabelSelector } from '../../api/index.js';
import { StatusError } from '../../apiserver/index.js';

export type MatchOperator = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly label: string;
  readonly op: MatchOperator;
  readonly value: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A PromQL double-quoted string literal. */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `value` as a literal inside an RE2 regular expression. */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export function formatMatcher(matcher: LabelMatcher): string {
  return `${matcher.label}${matcher.op}${promqlString(matcher.value)}`;
}

/** Equality for one value, an anchored alternation of literals for several. */
function valuesMatcher(label: string, values: readonly string[], negate: boolean): LabelMatcher {
  if (values.length === 1) return { label, op: negate ? '!=' : '=', value: values[0] ?? '' };
  return { label, op: negate ? '!~' : '=~', value: values.map(regexLiteral).join('|') };
}

/**
 * Matchers for a metric label selector (`?metricLabelSelector=` of custom metrics, `?labelSelector=`
 * of external metrics). Throws a 400 StatusError for what PromQL cannot express exactly.
 */
export function matchersForSelector(selector: LabelSelector, parameter: string): LabelMatcher[] {
  return selector.requirements.map((requirement) => {
    const { key, operator, values } = requirement;
    if (!LABEL_NAME.test(key))
      throw new StatusError(
        400,
        `${parameter} key "${key}" is not a Prometheus label name (letters, digits and _ only), so it cannot select series`,
      );
    switch (operator) {
      case '=':
      case '==':
      case 'in':
        return valuesMatcher(key, values, false);
      case '!=':
      case 'notin':
        return valuesMatcher(key, values, true);
      case 'exists':
        return { label: key, op: '!=', value: '' };
      case '!':
        return { label: key, op: '=', value: '' };
      case 'gt':
      case 'lt':
        throw new StatusError(
          400,
          `${parameter} "${requirement.key}${operator === 'gt' ? '>' : '<'}${requirement.values[0] ?? ''}" is not supported by the Prometheus provider: PromQL label matchers compare strings, not numbers`,
        );
    }
    throw new StatusError(400, `${parameter}: unsupported operator ${String(operator)}`);
  });
}

/** The matcher for the described objects: one name, several, or any object (`undefined`). */
export function namesMatcher(label: string, names: readonly string[] | undefined): LabelMatcher {
  if (names === undefined) return { label, op: '!=', value: '' };
  return valuesMatcher(label, names, false);
}

/**
 * Splits `names` into batches whose `=~` value (escaped names joined by `|`) is at most
 * `maxRegexLength` characters; a single name longer than the bound gets a batch of its own. Order
 * is kept, so batches are stable between identical requests (and cacheable).
 */
export function batchNames(names: readonly string[], maxRegexLength: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const name of names) {
    const cost = regexLiteral(name).length + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && length + cost > maxRegexLength) {
      batches.push(current);
      current = [];
      length = 0;
    }
    length += current.length > 0 ? cost : regexLiteral(name).length;
    current.push(name);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
