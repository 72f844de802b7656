/**
 * `hpa list` rows: like `kubectl get hpa` (NAME, REFERENCE, TARGETS, MINPODS, MAXPODS, REPLICAS), with
 * each metric's proposal in TARGETS, the replayed recommendation and desired count, the status'
 * desired count, whether the two agree, and a NOTE on HPAs that cannot compute.
 */
import { currentText, problemOf, targetText, type HpaReplay } from '../../hpa-fetch/index.js';
import { csvEscape } from '../../report/index.js';

export interface ListColumns {
  readonly headers: string[];
  readonly rows: string[][];
}

/**
 * Per metric, kubectl's TARGETS text (k8s.io/kubernetes pkg/printers/internalversion printers.go
 * `formatHPAMetrics`: `cpu: 80%/50%` for Resource and ContainerResource, `current/target` for Pods,
 * Object and External, `(avg)` after an AverageValue Object or External target) followed by our
 * `→proposal`; a failed metric shows `<unknown>` as current.
 */
function targets(replay: HpaReplay): string {
  const metrics = replay.decision?.metrics ?? [];
  if (metrics.length === 0) return replay.failure === undefined ? '<none>' : '<unknown>';
  return metrics
    .map((m) => {
      const current = m.error === undefined ? (currentText(m) ?? '<unknown>') : '<unknown>';
      const target = m.target === undefined ? '<unset>' : targetText(m, replay.hpa.spec);
      const named = m.type === 'Resource' || m.type === 'ContainerResource';
      const avg = (m.type === 'Object' || m.type === 'External') && m.targetType === 'AverageValue';
      const text = `${named ? `${m.name.split('/')[0]!}: ` : ''}${current}/${target}${avg ? ' (avg)' : ''}`;
      return m.proposedReplicas === undefined ? text : `${text}→${m.proposedReplicas}`;
    })
    .join(', ');
}

function desired(replay: HpaReplay): string {
  const d = replay.decision;
  if (d === undefined) return '-';
  if (d.desiredReplicas !== undefined) return String(d.desiredReplicas);
  const r = d.desiredReplicasRange;
  return r === undefined ? '-' : `${r.min}..${r.max}`;
}

/** The reason in NOTE: the failure's or the first failing metric's condition reason. */
function note(replay: HpaReplay): string {
  if (replay.failure !== undefined) return replay.failure.reason;
  const rec = replay.decision?.recommendation;
  const failed = replay.decision?.metrics.find((m) => m.error !== undefined);
  if (rec?.blocked !== undefined) return `cannot compute: ${rec.firstError?.reason ?? 'FailedGetMetrics'}`;
  if (failed?.error !== undefined) return `partial: ${failed.error.reason}`;
  if (replay.decision?.shortcut !== undefined) return replay.decision.shortcut;
  return '-';
}

function agrees(replay: HpaReplay): string {
  const a = replay.agreement?.agrees;
  return a === undefined ? '?' : a ? 'yes' : 'NO';
}

export function listColumns(
  replays: readonly HpaReplay[],
  options: { namespaces: boolean; wide: boolean },
): ListColumns {
  const headers = [
    ...(options.namespaces ? ['NAMESPACE'] : []),
    'NAME',
    'REFERENCE',
    'TARGETS',
    'MINPODS',
    'MAXPODS',
    'REPLICAS',
    'RECOMMENDED',
    'DESIRED',
    'STATUS',
    'AGREES',
    'NOTE',
    ...(options.wide ? ['SELECTOR', 'PODS', 'PROBLEM'] : []),
  ];
  const rows = replays.map((r) => [
    ...(options.namespaces ? [r.namespace] : []),
    r.name,
    `${r.target.kind}/${r.target.name}`,
    targets(r),
    String(r.decision?.minReplicas ?? r.hpa.spec.minReplicas ?? 1),
    String(r.hpa.spec.maxReplicas),
    r.target.specReplicas === undefined ? '<unknown>' : String(r.target.specReplicas),
    r.decision?.recommendedReplicas === undefined ? '-' : String(r.decision.recommendedReplicas),
    desired(r),
    r.hpa.status?.desiredReplicas === undefined ? '-' : String(r.hpa.status.desiredReplicas),
    agrees(r),
    note(r),
    ...(options.wide
      ? [
          r.target.selector === undefined || r.target.selector === '' ? '<none>' : r.target.selector,
          String(r.pods.length),
          problemOf(r) ?? '-',
        ]
      : []),
  ]);
  return { headers, rows };
}

/** CSV/TSV: the wide columns, one line per HPA. */
export function listDelimited(replays: readonly HpaReplay[], separator: ',' | '\t'): string {
  const { headers, rows } = listColumns(replays, { namespaces: true, wide: true });
  return (
    [headers, ...rows].map((row) => row.map((c) => csvEscape(c, separator)).join(separator)).join('\n') + '\n'
  );
}
