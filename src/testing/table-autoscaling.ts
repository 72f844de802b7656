/**
 * The server-side Table of autoscaling/v2 HorizontalPodAutoscalers, with kube-apiserver's columns
 * and cells (k8s.io/kubernetes pkg/printers/internalversion printers.go:
 * printHorizontalPodAutoscaler, formatHPAMetrics): NAME, REFERENCE, TARGETS, MINPODS, MAXPODS,
 * REPLICAS, AGE.
 */
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricValueStatus } from '../api/index.js';
import { tryParseQuantity } from '../quantity/index.js';
import { AGE_COLUMN, age, column, NAME_COLUMN, type TableConverter } from './table.js';

/** formatHPAMetrics shows the first two metrics, then `+ N more...`. */
const SHOWN_METRICS = 2;
const UNKNOWN = '<unknown>';

/** A quantity as `Quantity.String()` prints it (canonical form); the raw text when it does not parse. */
function quantity(text: string | undefined): string {
  if (text === undefined) return UNKNOWN;
  const parsed = tryParseQuantity(text);
  return parsed.ok ? parsed.value.toString() : text;
}

const percent = (value: number | undefined): string | undefined =>
  value === undefined ? undefined : `${value}%`;

/**
 * One metric's `current/target`. A current the status does not have is `<unknown>` (the metric
 * was never fetched, or the HPA cannot compute); `(avg)` marks Object and External AverageValue
 * targets; Resource and ContainerResource are prefixed with the resource name (since v1.30).
 */
function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  const current = (value: MetricValueStatus | undefined, field: keyof MetricValueStatus): string => {
    const v = value?.[field];
    if (v === undefined) return UNKNOWN;
    return field === 'averageUtilization' ? `${v as number}%` : quantity(String(v));
  };
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const source = spec.type === 'External' ? spec.external : spec.object;
      const observed = spec.type === 'External' ? status?.external?.current : status?.object?.current;
      const target = source?.target;
      if (target?.averageValue !== undefined)
        return `${current(observed, 'averageValue')}/${quantity(target.averageValue)} (avg)`;
      return `${current(observed, 'value')}/${quantity(target?.value)}`;
    }
    case 'Pods':
      return `${current(status?.pods?.current, 'averageValue')}/${quantity(spec.pods?.target.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const observed = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      const target = source?.target;
      const name = source?.name ?? '';
      if (target?.averageValue !== undefined)
        return `${name}: ${current(observed?.current, 'averageValue')}/${quantity(target.averageValue)}`;
      const shown = percent(observed?.current.averageUtilization) ?? UNKNOWN;
      return `${name}: ${shown}/${percent(target?.averageUtilization) ?? '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** The TARGETS cell: statuses pair with specs by position, as the printer pairs them. */
export function formatHpaTargets(hpa: HorizontalPodAutoscaler): string {
  const specs = hpa.spec.metrics ?? [];
  if (specs.length === 0) return '<none>';
  const statuses = hpa.status?.currentMetrics ?? [];
  const shown = specs.slice(0, SHOWN_METRICS).map((spec, i) => formatMetric(spec, statuses[i]));
  const more = specs.length - SHOWN_METRICS;
  return more > 0 ? `${shown.join(', ')} + ${more} more...` : shown.join(', ');
}

export const HPA_TABLE: TableConverter<HorizontalPodAutoscaler> = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'The target to scale (spec.scaleTargetRef).'),
    column('Targets', 'Current and target value of each metric (spec.metrics, status.currentMetrics).'),
    column('MinPods', 'Lower limit for the number of replicas (spec.minReplicas).'),
    column('MaxPods', 'Upper limit for the number of replicas (spec.maxReplicas).'),
    column('Replicas', 'Current number of replicas of the target (status.currentReplicas).'),
    AGE_COLUMN,
  ],
  cells(hpa, now) {
    const ref = hpa.spec.scaleTargetRef;
    return [
      hpa.metadata.name ?? '',
      `${ref.kind}/${ref.name}`,
      formatHpaTargets(hpa),
      hpa.spec.minReplicas === undefined ? '<unset>' : String(hpa.spec.minReplicas),
      hpa.spec.maxReplicas,
      hpa.status?.currentReplicas ?? 0,
      age(hpa.metadata.creationTimestamp, now),
    ];
  },
};
