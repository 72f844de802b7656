/**
 * Check 7: every HPA in scope has each of its metrics fetched now, the way the controller fetches
 * it. The fetching is `kubemetrics/hpa-fetch` (`replayHpas`), the same code as `kubemetrics hpa`:
 * one sync of kube-controller-manager's reconcileAutoscaler (pkg/controller/podautoscaler
 * horizontal.go) with its metrics client (metrics/client.go). This check adds what a replay does
 * not say: each failure's likely cause — a metric not in discovery (with the nearest names), one
 * that exists but not for these pods (the selector), a 403 (the rule), a 503 (the APIService).
 */
import type { APIResourceList, HorizontalPodAutoscaler, MetricSpec } from '../../api/index.js';
import { effectiveMetrics, type MetricProposal } from '../../hpa/index.js';
import {
  currentText,
  replayHpas,
  targetText,
  type HpaReplay,
  type MetricFetch,
} from '../../hpa-fetch/index.js';
import type { DoctorGroup } from '../apis.js';
import type { DoctorCheck } from '../check.js';
import type { DoctorContext } from '../context.js';
import { nearestNames } from '../nearest.js';
import { notChecked, ok, problem, type CheckResult } from '../result.js';

const NAME = 'hpa';
const CUSTOM = '/apis/custom.metrics.k8s.io/v1beta2';
const EXTERNAL = '/apis/external.metrics.k8s.io/v1beta1';

type FetchError = NonNullable<MetricFetch['error']>;

function metricName(metric: MetricSpec): string {
  return (
    metric.resource?.name ??
    metric.containerResource?.name ??
    metric.pods?.metric.name ??
    metric.object?.metric.name ??
    metric.external?.metric.name ??
    '?'
  );
}

/** A metric's identity for messages: `cpu (Resource)`. */
function describeMetric(metric: MetricSpec): string {
  return `${metricName(metric)} (${metric.type})`;
}

/** The doctor group (`--group`) a metric's API belongs to. */
function groupOf(metric: MetricSpec): DoctorGroup {
  if (metric.type === 'External') return 'external';
  return metric.type === 'Pods' || metric.type === 'Object' ? 'custom' : 'metrics';
}

/** Names served in discovery of a metrics API (`pods/http_requests` -> `http_requests`). */
async function servedNames(context: DoctorContext, path: string): Promise<string[] | undefined> {
  try {
    const list = await context.get<APIResourceList>(path);
    return (list.resources ?? []).map((r) => r.name.split('/').pop() ?? r.name);
  } catch {
    return undefined;
  }
}

/** The HPA's own word on it: its ScalingActive=False condition, when set. */
function conditionText(hpa: HorizontalPodAutoscaler): string {
  const condition = hpa.status?.conditions?.find((c) => c.type === 'ScalingActive' && c.status === 'False');
  return condition === undefined
    ? ''
    : `; HPA condition ScalingActive=False ${condition.reason ?? ''}: ${condition.message ?? ''}`;
}

/** The likely cause of one metric the replay could not fetch. */
async function diagnose(
  context: DoctorContext,
  subject: string,
  replay: HpaReplay,
  metric: MetricSpec,
  fetch: MetricFetch,
  error: FetchError,
): Promise<CheckResult> {
  const label = describeMetric(metric);
  const hpaName = `${replay.namespace}/${replay.name}`;
  const selector = replay.target.selector ?? '';
  const evidence = `${fetch.request}: ${error.message}${conditionText(replay.hpa)}`;
  if (error.httpStatus === 403)
    return {
      name: subject,
      status: 'not-checked',
      summary: `could not fetch ${label} for HPA ${hpaName}: RBAC does not let this user read it`,
      evidence,
      fix: 'Run doctor as a user who may read the metrics APIs; the rbac results say whether the HPA controller may.',
    };
  if (error.httpStatus === 503)
    return problem(subject, `HPA ${hpaName} cannot get ${label}: the metrics API is unavailable`, {
      cause:
        'the APIService behind this metric is unavailable (the server is currently unable to handle the request)',
      evidence,
      fix: 'See the apiservice, service and certificate results.',
    });
  const notFoundOrEmpty = error.httpStatus === 404 || error.empty === true;
  if (notFoundOrEmpty && (metric.type === 'Resource' || metric.type === 'ContainerResource'))
    return problem(
      subject,
      `HPA ${hpaName}: no ${label} for the pods of ${replay.target.kind}/${replay.target.name}`,
      {
        cause: `metrics.k8s.io has no metrics for pods matching ${selector}: they are not running yet, or metrics-server cannot scrape their nodes`,
        evidence,
        fix: `kubectl -n ${replay.namespace} get pods -l '${selector}'; kubectl top pods -n ${replay.namespace} -l '${selector}'`,
      },
    );
  if (notFoundOrEmpty) {
    const name = metricName(metric);
    const served = await servedNames(context, metric.type === 'External' ? EXTERNAL : CUSTOM);
    if (served !== undefined && !served.includes(name)) {
      const near = nearestNames(name, served);
      return problem(subject, `HPA ${hpaName}: metric "${name}" is not served by the adapter`, {
        cause: `no adapter rule produces "${name}" (a typo, or a rule whose series do not exist)`,
        evidence: `${evidence}; discovery lists ${served.length} metric(s)`,
        fix:
          near.length > 0
            ? `Did you mean ${near.map((n) => `"${n}"`).join(', ')}? Fix spec.metrics of the HPA or the adapter's rules.`
            : "Add a rule for it to the adapter's configuration, or fix spec.metrics of the HPA.",
      });
    }
    if (metric.type === 'Pods')
      return problem(subject, `HPA ${hpaName}: metric "${name}" exists but not for the pods of its target`, {
        cause: `the adapter serves "${name}" but has no value for pods matching ${selector || 'the target'}: the series lack the namespace/pod labels the rule maps, or the selector picks other pods`,
        evidence,
        fix: `kubectl get --raw "${CUSTOM}/namespaces/${replay.namespace}/pods/*/${name}" to see which pods have it; compare with kubectl -n ${replay.namespace} get pods -l '${selector}'`,
      });
    return problem(subject, `HPA ${hpaName}: ${label} has no value`, {
      cause: `the adapter serves "${name}" but no series matches the ${metric.type === 'Object' ? 'described object and ' : ''}metric selector`,
      evidence,
      fix: "Check the metric selector of the HPA against the adapter's series (kubemetrics apiserver explain PATH).",
    });
  }
  return problem(subject, `HPA ${hpaName} cannot get ${label}`, {
    cause: error.message,
    evidence,
    fix: error.hint ?? "Check the adapter's logs for this request.",
  });
}

/** What the replay stopped at before the metrics (FailedGetScale, InvalidSelector, AmbiguousSelector, InvalidSpec). */
function failureResult(subject: string, replay: HpaReplay): CheckResult {
  const failure = replay.failure!;
  const hpaName = `${replay.namespace}/${replay.name}`;
  const target = `${replay.target.kind}/${replay.target.name}`;
  const evidence = `${failure.condition}=False ${failure.reason}: ${failure.message}`;
  if (failure.reason === 'FailedGetScale' && failure.httpStatus === 404)
    return problem(subject, `HPA ${hpaName}: its target ${target} does not exist`, {
      cause:
        'spec.scaleTargetRef names an object (or kind) that is not there, so the HPA does nothing (FailedGetScale)',
      evidence,
      fix: `Fix spec.scaleTargetRef of the HPA: kubectl -n ${replay.namespace} get ${replay.target.kind.toLowerCase()}`,
    });
  if (failure.httpStatus === 403)
    return {
      name: subject,
      status: 'not-checked',
      summary: `could not check the scale target ${target} of HPA ${hpaName}: RBAC does not let this user read it`,
      evidence,
      fix: 'Run doctor as a user who may read the scale subresource of the target.',
    };
  return problem(subject, `HPA ${hpaName}: the controller stops at ${failure.reason}`, {
    cause: failure.message,
    evidence,
    ...(failure.hint === undefined ? {} : { fix: failure.hint }),
  });
}

/** `cpu (Resource) 45%/80%`: what the controller would see now against the target. */
function fetchedText(
  metric: MetricSpec,
  proposal: MetricProposal | undefined,
  spec: HpaReplay['hpa']['spec'],
): string {
  const current = proposal === undefined ? undefined : currentText(proposal);
  const target = proposal === undefined ? undefined : targetText(proposal, spec);
  return `${describeMetric(metric)} ${current ?? '<unknown>'}/${target ?? '<unset>'}`;
}

async function judge(context: DoctorContext, replay: HpaReplay): Promise<CheckResult[]> {
  const hpaName = `${replay.namespace}/${replay.name}`;
  const subject = `${NAME}/${hpaName}`;
  if (replay.failure !== undefined) return [failureResult(subject, replay)];
  const metrics = effectiveMetrics(replay.hpa.spec);
  const results: CheckResult[] = [];
  const fetched: string[] = [];
  for (const fetch of replay.fetches) {
    const metric = metrics[fetch.index];
    if (metric === undefined || !context.options.groups.includes(groupOf(metric))) continue;
    const metricSubject = `${subject}/${metricName(metric)}`;
    const proposal = replay.decision?.metrics.find((p) => p.index === fetch.index);
    if (fetch.error !== undefined)
      results.push(await diagnose(context, metricSubject, replay, metric, fetch, fetch.error));
    else if (proposal?.error !== undefined)
      // Fetched, but the calculation cannot use it (e.g. a container without a CPU request).
      results.push(
        problem(
          metricSubject,
          `HPA ${hpaName}: ${describeMetric(metric)} cannot be used (${proposal.error.reason})`,
          {
            cause: proposal.error.message,
            evidence: fetch.request,
            fix: `kubemetrics hpa explain ${replay.name} -n ${replay.namespace}`,
          },
        ),
      );
    else fetched.push(fetchedText(metric, proposal, replay.hpa.spec));
  }
  if (results.length > 0) return results;
  const target = `${replay.target.kind}/${replay.target.name}`;
  const shortcut = replay.decision?.shortcut;
  const what =
    shortcut !== undefined
      ? `no metric fetched: the controller decides without metrics (${shortcut})`
      : fetched.join(', ') || 'no metric in scope';
  return [ok(subject, `HPA ${hpaName} -> ${target}: ${what}`)];
}

export const hpaCheck: DoctorCheck = {
  name: NAME,
  // A scale read and a metrics call per HPA: 1,000 HPAs took about 10 s on a loaded 2-core machine
  // (docs/doctor.md), the whole of the default 10 s deadline.
  deadlineFactor: 6,
  title:
    "every HPA in scope: each metric can be fetched now as the controller fetches it, with the failure's likely cause",
  async run(context) {
    const ns = context.options.namespace;
    let replays: HpaReplay[];
    try {
      replays = await replayHpas(context.client, { namespace: ns, signal: context.signal });
    } catch (error) {
      return [notChecked(NAME, 'the HorizontalPodAutoscalers', error)];
    }
    if (replays.length === 0)
      return [ok(NAME, `no HorizontalPodAutoscaler${ns === undefined ? '' : ` in ${ns}`}`)];
    return (await Promise.all(replays.map((r) => judge(context, r)))).flat();
  },
};
