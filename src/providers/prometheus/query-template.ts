/**
 * Renders a rule's query template (`metricsQuery`, `containerQuery`, `nodeQuery`) with the
 * arguments prometheus-adapter defines: `Series`, `LabelMatchers` (comma-joined matchers),
 * `LabelValuesByName` (label → values joined by `|`, as the adapter passes them), `GroupBy`
 * (comma-joined) and `GroupBySlice`.
 */
import type { LabelSelector } from '../../api/index.js';
import type { GoTemplate } from './go-template.js';
import { formatMatcher, type LabelMatcher } from './promql.js';

export interface QueryInputs {
  readonly series: string;
  readonly matchers: readonly LabelMatcher[];
  readonly valuesByName: Readonly<Record<string, string>>;
  readonly groupBy: readonly string[];
}

export function renderQuery(template: GoTemplate, inputs: QueryInputs): string {
  return template.render({
    Series: inputs.series,
    LabelMatchers: inputs.matchers.map(formatMatcher).join(','),
    LabelValuesByName: inputs.valuesByName,
    GroupBy: inputs.groupBy.join(','),
    GroupBySlice: inputs.groupBy,
  });
}

/** `LabelValuesByName` entries of a metric selector: each key with its values joined by `|`. */
export function selectorValues(selector: LabelSelector): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of selector.requirements) out[r.key] = r.values.join('|');
  return out;
}
