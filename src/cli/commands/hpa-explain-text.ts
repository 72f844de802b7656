/**
 * `hpa explain` as text: the controller's sync step by step, with every number. Built from the
 * same replay the JSON comes from; amounts are printed as Kubernetes quantities.
 */
import type { HpaReplay } from '../../hpa-fetch/index.js';
import { targetText } from '../../hpa-fetch/index.js';
import type { MetricProposal, PodDetail } from '../../hpa/index.js';
import { Quantity } from '../../quantity/index.js';
import { renderTable } from '../table.js';

const q = (milli: bigint | undefined): string =>
  milli === undefined ? '-' : Quantity.fromMilli(milli).toString();

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `${by}${l}`)
    .join('\n');
}

function podTable(pods: readonly PodDetail[]): string {
  const rows = pods.map((p) => [
    p.pod,
    p.group,
    p.reason,
    q(p.sample?.milli),
    q(p.requestMilli),
    q(p.secondPassMilli),
  ]);
  return renderTable(['POD', 'COUNTED AS', 'WHY', 'VALUE', 'REQUEST', 'SECOND PASS'], rows);
}

function band(p: MetricProposal): string {
  const t = p.calculation?.tolerances;
  // toPrecision: 1 - 0.3 is 0.7 to people, not 0.30000000000000004's neighbour.
  const n = (x: number) => String(Number(x.toPrecision(12)));
  return t === undefined ? '' : ` (tolerance band [${n(1 - t.scaleDown)}, ${n(1 + t.scaleUp)}])`;
}

function metricSection(replay: HpaReplay, p: MetricProposal): string {
  const fetch = replay.fetches.find((f) => f.index === p.index);
  const lines: string[] = [];
  const target =
    p.target === undefined ? 'no target' : `target ${p.targetType ?? ''} ${targetText(p, replay.hpa.spec)}`;
  lines.push(`Metric ${p.index + 1}: ${p.type} ${p.name}, ${target}`);
  if (fetch !== undefined && fetch.request !== 'none') lines.push(`  fetched: ${fetch.request}`);
  for (const s of fetch?.skipped ?? []) lines.push(`  no sample for pod ${s.pod}: ${s.reason}`);
  const c = p.calculation;
  if (p.error !== undefined) {
    lines.push(`  FAILED (${p.error.reason}): ${p.error.message}`);
    if (fetch?.error?.hint !== undefined) lines.push(`  fix: ${fetch.error.hint}`);
    if (p.pods !== undefined && p.pods.length > 0) {
      lines.push('  pods:');
      lines.push(indent(podTable(p.pods)));
    }
    return lines.join('\n');
  }
  if (c === undefined) return lines.join('\n');
  if ('pods' in c) {
    lines.push(`  pods (${c.readyPods} ready):`);
    lines.push(indent(podTable(c.pods)));
    if (c.superfluousSamples.length > 0)
      lines.push(`  samples for pods the selector does not match: ${c.superfluousSamples.join(', ')}`);
    const average = q(c.currentAverageMilli);
    lines.push(
      c.utilization === undefined
        ? `  average ${average} per pod → usage ratio ${c.usageRatio}${band(p)}: ${c.withinTolerance ? 'within' : 'outside'}`
        : `  utilization ${c.utilization}% of requests (average ${average}) → usage ratio ${c.usageRatio}${band(p)}: ${c.withinTolerance ? 'within' : 'outside'}`,
    );
    const sp = c.secondPass;
    if (sp !== undefined) {
      const filled = {
        request: 'missing pods counted at their request (100 % or the target, whichever is higher)',
        target: 'missing pods counted at the target',
        zero: 'missing pods counted at 0',
        none: 'no missing pods to fill in',
      }[sp.missingFilledWith];
      lines.push(
        `  second pass: ${filled}${sp.unreadyCountedAtZero ? ', unready pods counted at 0' : ''} → usage ratio ${sp.usageRatio} over ${sp.consideredValues} values${sp.proposal === undefined ? '' : ` → ${sp.proposal}`}`,
      );
      if (sp.cancelled !== undefined) {
        const why = {
          'within-tolerance': 'the new ratio is within tolerance',
          'direction-changed': 'the new ratio points the other way',
          'pod-count-reversed': 'the new count would move against the change',
        }[sp.cancelled];
        lines.push(`  change cancelled: ${why}; the current count is kept`);
      }
    }
  } else {
    lines.push(
      `  value ${q(c.totalMilli)}${c.currentMilli === c.totalMilli ? '' : ` (status shows ${q(c.currentMilli)} per pod)`} → usage ratio ${c.usageRatio}${band(p)}: ${c.withinTolerance ? 'within' : 'outside'}`,
    );
  }
  lines.push(`  proposal: ${p.proposedReplicas ?? '-'} — ${c.explanation}`);
  return lines.join('\n');
}

/** How much longer a watcher needs until the range is one number. */
function watchNote(replay: HpaReplay): string | undefined {
  const d = replay.decision;
  if (d?.desired === undefined || d.desired.exact) return undefined;
  const behavior = replay.hpa.spec.behavior;
  const windows = [
    behavior?.scaleUp?.stabilizationWindowSeconds ?? 0,
    behavior?.scaleDown?.stabilizationWindowSeconds ?? d.options.downscaleStabilizationSeconds,
    ...(behavior?.scaleUp?.policies ?? []).map((p) => p.periodSeconds),
    ...(behavior?.scaleDown?.policies ?? []).map((p) => p.periodSeconds),
  ];
  const longest = Math.max(...windows);
  const watched = replay.watchedMs === undefined ? undefined : Math.floor(replay.watchedMs / 1000);
  return watched === undefined
    ? `--watch narrows this: it records each replay's recommendation and every rescale as the controller does; after ${longest}s of watching (the longest window or policy period) the desired count is exact.`
    : `watched for ${watched}s of the ${longest}s needed; the range narrows as the history fills (exact in about ${Math.max(0, longest - watched)}s).`;
}

export function explainText(replay: HpaReplay): string {
  const out: string[] = [];
  const t = replay.target;
  out.push(`HPA ${replay.namespace}/${replay.name} (replayed at ${new Date(replay.now).toISOString()})`);
  out.push(
    `Scale target: ${t.kind}/${t.name}${t.resource === undefined ? '' : ` (${t.resource}/scale)`}${t.specReplicas === undefined ? '' : `: spec.replicas ${t.specReplicas}, status.replicas ${t.statusReplicas ?? 0}`}`,
  );
  if (t.selector !== undefined)
    out.push(`Selector: ${t.selector === '' ? '<none>' : t.selector} → ${replay.pods.length} pod(s)`);
  const d = replay.decision;
  if (replay.failure !== undefined) {
    out.push('');
    out.push(`The controller stops here: ${replay.failure.condition}=False (${replay.failure.reason})`);
    out.push(`  ${replay.failure.message}`);
    if (replay.failure.hint !== undefined) out.push(`  fix: ${replay.failure.hint}`);
  }
  if (d !== undefined) {
    const o = d.options;
    out.push(
      `Controller: tolerance scale-down ${d.tolerances.scaleDown}, scale-up ${d.tolerances.scaleUp}; CPU initialization period ${seconds(o.cpuInitializationPeriodMs)}; initial readiness delay ${seconds(o.initialReadinessDelayMs)}; downscale stabilization ${o.downscaleStabilizationSeconds}s`,
    );
    out.push(`Replicas: current ${d.currentReplicas}, min ${d.minReplicas}, max ${d.maxReplicas}`);
    if (d.shortcut !== undefined) out.push(`No metrics needed (${d.shortcut}): ${d.summary}`);
    for (const m of d.metrics) {
      out.push('');
      out.push(metricSection(replay, m));
    }
    out.push('');
    const rec = d.recommendation;
    if (rec !== undefined) {
      if (rec.replicas === undefined) {
        out.push(
          rec.blocked === 'all-metrics-invalid'
            ? `Recommendation: none — every metric failed; the controller keeps ${d.currentReplicas} and sets ScalingActive=False (${rec.firstError?.reason ?? ''})`
            : `Recommendation: none — ${rec.invalidCount} metric(s) failed and the others would scale down; the controller never scales down on partial information and keeps ${d.currentReplicas}`,
        );
      } else {
        out.push(
          `Recommendation: ${rec.replicas} (the highest proposal, from ${rec.metric ?? 'metrics'}${rec.invalidCount > 0 ? `; ${rec.invalidCount} failed metric(s) ignored since the others scale up` : ''})`,
        );
      }
    }
    const desired = d.desired;
    if (desired !== undefined) {
      const behavior =
        replay.hpa.spec.behavior === undefined || replay.hpa.spec.behavior === null
          ? 'no behavior: downscale stabilization, then min/max and at most max(2 × current, 4)'
          : 'behavior: stabilization windows, then the policies (selectPolicy), then min/max';
      out.push(
        desired.exact
          ? `Desired: ${desired.min.replicas} (${behavior}; limit ${desired.min.limitReason})`
          : `Desired: between ${desired.min.replicas} and ${desired.max.replicas} (${behavior})`,
      );
      // When the bounds meet, what is unknown cannot change the count: say so rather than alarm.
      for (const u of desired.unknowns)
        out.push(desired.exact ? `  (unknown, but without effect on the count: ${u})` : `  unknown: ${u}`);
      const note = watchNote(replay);
      if (note !== undefined) out.push(`  ${note}`);
    }
  }
  out.push('');
  const s = replay.hpa.status;
  out.push(
    `Status (the controller's last sync): desiredReplicas ${s?.desiredReplicas ?? '-'}, currentReplicas ${s?.currentReplicas ?? '-'}${s?.lastScaleTime === undefined ? '' : `, lastScaleTime ${s.lastScaleTime}`}`,
  );
  for (const c of s?.conditions ?? [])
    out.push(`  ${c.type}=${c.status} ${c.reason ?? ''}${c.message === undefined ? '' : `: ${c.message}`}`);
  const a = replay.agreement;
  if (a !== undefined) {
    out.push(
      `Agrees with status: ${a.agrees === undefined ? 'cannot tell' : a.agrees ? 'yes' : 'NO'} — ${a.reason}`,
    );
    if (a.agrees === false) {
      out.push(
        "  (the status is from the controller's last sync; a metric that moved since, or history the controller remembers, can explain a difference)",
      );
    }
  }
  return `${out.join('\n')}\n`;
}
