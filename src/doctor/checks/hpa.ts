/**
 * Check 7: every HPA in scope has each of its metrics fetched now, the way the controller fetches
 * it (k8s.io/kubernetes pkg/controller/podautoscaler/metrics/client.go): the target's `scale`
 * subresource gives the pod selector; Resource metrics list metrics.k8s.io pods by that selector,
 * Pods metrics get `custom.metrics.k8s.io/.../pods/*\/<metric>?labelSelector=`, Object metrics the
 * described object's metric, External metrics `external.metrics.k8s.io/.../<metric>` with the
 * metric selector. Failures are mapped to their likely cause: a metric not in discovery (with the
 * nearest names), one that exists but not for these pods (the selector), a 403 (the rule), a 503
 * (the APIService). The calls are made directly through the client (branch hpa-cli's fetch code
 * was not available when this was written).
 */
import type { APIResourceList, HorizontalPodAutoscaler, List, MetricSpec, Scale } from '../../api/index.js';
import { labelSelectorFromWire } from '../../api/index.js';
import { isKubernetesApiError, mapConcurrent } from '../../client/index.js';
import type { DoctorCheck } from '../check.js';
import type { DoctorContext } from '../context.js';
import { nearestNames } from '../nearest.js';
import { describeError, notChecked, ok, problem, type CheckResult } from '../result.js';

const NAME = 'hpa';
/** HPAs looked at in parallel: a bounded fan-out, whatever the cluster size. */
const CONCURRENCY = 16;
const CUSTOM = '/apis/custom.metrics.k8s.io/v1beta2';
const EXTERNAL = '/apis/external.metrics.k8s.io/v1beta1';
const enc = encodeURIComponent;

/** Plural of a scale target or described object kind, as the controller's RESTMapper finds it. */
function plural(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}

function groupOf(apiVersion: string | undefined): string {
  const parts = (apiVersion ?? '').split('/');
  return parts.length === 2 ? (parts[0] ?? '') : '';
}

function apiPrefix(apiVersion: string | undefined): string {
  const v = apiVersion ?? 'v1';
  return v.includes('/') ? `/apis/${v}` : `/api/${v}`;
}

interface Fetched {
  readonly label: string;
  /** Items the API answered with. */
  readonly count: number;
}

/** A metric's identity for messages: `cpu (Resource)`. */
function describeMetric(metric: MetricSpec): string {
  const name =
    metric.resource?.name ??
    metric.containerResource?.name ??
    metric.pods?.metric.name ??
    metric.object?.metric.name ??
    metric.external?.metric.name ??
    '?';
  return `${name} (${metric.type})`;
}

function metricSelector(metric: MetricSpec): string | undefined {
  const wire =
    metric.pods?.metric.selector ?? metric.object?.metric.selector ?? metric.external?.metric.selector;
  return wire === undefined || wire === null ? undefined : labelSelectorFromWire(wire).toString();
}

async function fetchMetric(
  context: DoctorContext,
  ns: string,
  selector: string,
  metric: MetricSpec,
): Promise<Fetched> {
  const label = describeMetric(metric);
  const metricLabelSelector = metricSelector(metric);
  switch (metric.type) {
    case 'Resource':
    case 'ContainerResource': {
      const list = await context.get<List<unknown>>(
        `/apis/metrics.k8s.io/v1beta1/namespaces/${enc(ns)}/pods`,
        {
          labelSelector: selector,
        },
      );
      return { label, count: list.items.length };
    }
    case 'Pods': {
      const list = await context.get<List<unknown>>(
        `${CUSTOM}/namespaces/${enc(ns)}/pods/*/${enc(metric.pods?.metric.name ?? '')}`,
        { labelSelector: selector, metricLabelSelector },
      );
      return { label, count: list.items.length };
    }
    case 'Object': {
      const target = metric.object?.describedObject;
      const resource = plural(target?.kind ?? '');
      const group = groupOf(target?.apiVersion);
      const qualified = group === '' ? resource : `${resource}.${group}`;
      const list = await context.get<List<unknown>>(
        `${CUSTOM}/namespaces/${enc(ns)}/${enc(qualified)}/${enc(target?.name ?? '')}/${enc(metric.object?.metric.name ?? '')}`,
        { metricLabelSelector },
      );
      return { label, count: list.items.length };
    }
    case 'External': {
      const list = await context.get<List<unknown>>(
        `${EXTERNAL}/namespaces/${enc(ns)}/${enc(metric.external?.metric.name ?? '')}`,
        { labelSelector: metricLabelSelector },
      );
      return { label, count: list.items.length };
    }
  }
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

async function diagnose(
  context: DoctorContext,
  subject: string,
  hpa: HorizontalPodAutoscaler,
  selector: string,
  metric: MetricSpec,
  error: unknown,
): Promise<CheckResult> {
  const label = describeMetric(metric);
  const hpaName = `${hpa.metadata.namespace ?? ''}/${hpa.metadata.name ?? ''}`;
  const condition = hpa.status?.conditions?.find((c) => c.type === 'ScalingActive' && c.status === 'False');
  const events =
    condition === undefined
      ? ''
      : `; HPA condition ScalingActive=False ${condition.reason ?? ''}: ${condition.message ?? ''}`;
  const evidence = `${describeError(error)}${events}`;
  if (isKubernetesApiError(error, 403))
    return {
      name: subject,
      status: 'not-checked',
      summary: `could not fetch ${label} for HPA ${hpaName}: RBAC does not let this user read it`,
      evidence,
      fix: 'Run doctor as a user who may read the metrics APIs; the rbac results say whether the HPA controller may.',
    };
  if (isKubernetesApiError(error, 503))
    return problem(subject, `HPA ${hpaName} cannot get ${label}: the metrics API is unavailable`, {
      cause:
        'the APIService behind this metric is unavailable (the server is currently unable to handle the request)',
      evidence,
      fix: 'See the apiservice, service and certificate results.',
    });
  if (isKubernetesApiError(error, 404)) {
    const name = metric.pods?.metric.name ?? metric.object?.metric.name ?? metric.external?.metric.name ?? '';
    const served =
      metric.type === 'External' ? await servedNames(context, EXTERNAL) : await servedNames(context, CUSTOM);
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
    return problem(subject, `HPA ${hpaName}: metric "${name}" exists but not for the pods of its target`, {
      cause: `the adapter serves "${name}" but has no value for objects matching ${selector || 'the target'}: the series lack the namespace/pod labels the rule maps, or the selector picks other pods`,
      evidence,
      fix: `kubectl get --raw "${CUSTOM}/namespaces/${hpa.metadata.namespace ?? ''}/pods/*/${name}" to see which pods have it; compare with kubectl -n ${hpa.metadata.namespace ?? ''} get pods -l '${selector}'`,
    });
  }
  return problem(subject, `HPA ${hpaName} cannot get ${label}`, {
    cause: 'the metrics API answered with an error',
    evidence,
    fix: "Check the adapter's logs for this request.",
  });
}

async function checkHpa(context: DoctorContext, hpa: HorizontalPodAutoscaler): Promise<CheckResult[]> {
  const ns = hpa.metadata.namespace ?? 'default';
  const name = `${ns}/${hpa.metadata.name ?? ''}`;
  const subject = `${NAME}/${name}`;
  const ref = hpa.spec.scaleTargetRef;
  const targetText = `${ref.kind}/${ref.name}`;
  let selector: string;
  try {
    const scale = await context.get<Scale>(
      `${apiPrefix(ref.apiVersion)}/namespaces/${enc(ns)}/${plural(ref.kind)}/${enc(ref.name)}/scale`,
    );
    selector = scale.status.selector ?? '';
  } catch (error) {
    if (isKubernetesApiError(error, 404))
      return [
        problem(subject, `HPA ${name}: its target ${targetText} does not exist`, {
          cause:
            'spec.scaleTargetRef names an object (or kind) that is not there, so the HPA does nothing (FailedGetScale)',
          evidence: `GET scale of ${targetText}: ${describeError(error)}`,
          fix: `Fix spec.scaleTargetRef of the HPA: kubectl -n ${ns} get ${ref.kind.toLowerCase()}`,
        }),
      ];
    return [notChecked(subject, `the scale target ${targetText} of HPA ${name}`, error)];
  }
  const metrics = hpa.spec.metrics ?? [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
  ];
  const inScope = metrics.filter((m) =>
    context.options.groups.includes(
      m.type === 'External' ? 'external' : m.type === 'Pods' || m.type === 'Object' ? 'custom' : 'metrics',
    ),
  );
  const results: CheckResult[] = [];
  const fetched: Fetched[] = [];
  for (const metric of inScope) {
    const metricSubject = `${subject}/${describeMetric(metric).split(' ')[0] ?? ''}`;
    try {
      const answer = await fetchMetric(context, ns, selector, metric);
      if (answer.count === 0 && metric.type !== 'Object' && metric.type !== 'External')
        results.push(
          problem(metricSubject, `HPA ${name}: no ${answer.label} for the pods of ${targetText}`, {
            cause:
              metric.type === 'Pods'
                ? `the adapter serves the metric but has no value for pods matching ${selector}: its series lack these pods' namespace/pod labels`
                : `metrics.k8s.io has no metrics for pods matching ${selector}: they are not running yet, or metrics-server cannot scrape their nodes`,
            evidence: `the ${metric.type === 'Pods' ? 'custom' : 'resource'} metrics answer for labelSelector=${selector} is an empty list`,
            fix: `kubectl -n ${ns} get pods -l '${selector}'; kubectl top pods -n ${ns} -l '${selector}'`,
          }),
        );
      else if (answer.count === 0)
        results.push(
          problem(metricSubject, `HPA ${name}: ${answer.label} has no value`, {
            cause: 'the adapter answered with an empty list: no series matches the metric selector',
            evidence: `${metric.type} metric ${answer.label}: 0 items`,
            fix: "Check the metric selector of the HPA against the adapter's series (kubemetrics apiserver explain PATH).",
          }),
        );
      else fetched.push(answer);
    } catch (error) {
      results.push(await diagnose(context, metricSubject, hpa, selector, metric, error));
    }
  }
  if (results.length === 0)
    results.push(
      ok(
        subject,
        `HPA ${name} -> ${targetText}: ${fetched.map((f) => `${f.label} ${f.count} value(s)`).join(', ') || 'no metric in scope'}`,
      ),
    );
  return results;
}

export const hpaCheck: DoctorCheck = {
  name: NAME,
  title:
    "every HPA in scope: each metric can be fetched now as the controller fetches it, with the failure's likely cause",
  async run(context) {
    const ns = context.options.namespace;
    let hpas: HorizontalPodAutoscaler[];
    try {
      const path =
        ns === undefined
          ? '/apis/autoscaling/v2/horizontalpodautoscalers'
          : `/apis/autoscaling/v2/namespaces/${enc(ns)}/horizontalpodautoscalers`;
      hpas = (await context.get<List<HorizontalPodAutoscaler>>(path)).items;
    } catch (error) {
      return [notChecked(NAME, 'the HorizontalPodAutoscalers', error)];
    }
    if (hpas.length === 0)
      return [ok(NAME, `no HorizontalPodAutoscaler${ns === undefined ? '' : ` in ${ns}`}`)];
    return (await mapConcurrent(hpas, CONCURRENCY, (hpa) => checkHpa(context, hpa))).flat();
  },
};
