/**
 * One replayed controller sync for HPAs of a namespace (or of every namespace), fetching what
 * kube-controller-manager fetches (horizontal.go `reconcileAutoscaler` and
 * `computeReplicasForMetrics`), in the same order and with the same early exits:
 *
 * 1. the HPAs: one paged list (explain looks its HPA up in the namespace's list, which also gives
 *    the other HPAs for the ambiguous-selector rule);
 * 2. each HPA's scale subresource, the target's kind resolved to its resource through discovery
 *    (cached: one lookup per kind, not per HPA); a failure is `AbleToScale=False FailedGetScale`;
 * 3. the shortcuts that need no metrics (target at 0 replicas, outside min/max);
 * 4. the scale's selector: required, parsable, and not shared with another HPA
 *    (`AmbiguousSelector`), and the pods it selects, from ONE pod list for the whole sync;
 * 5. every metric (`MetricFetcher`), then the pure calculation (`decideHpa`) and the comparison
 *    with the HPA's own status.
 *
 * Requests: 1 HPA list (pages) + discovery per target kind + 1 scale per HPA + 1 pod list (pages)
 * + the metrics requests, one per distinct (API, namespace, selector, metric).
 */
import { parseLabelSelector, type HorizontalPodAutoscaler, type LabelSelector } from '../api/index.js';
import {
  collect,
  getScale,
  HpaMetricsReader,
  isKubernetesApiError,
  listHorizontalPodAutoscalers,
  mapConcurrent,
  parseGroupVersion,
  RestMapper,
  type CallOptions,
  type MetricsClient,
  type ScaleResult,
} from '../client/index.js';
import { KubemetricsError } from '../errors.js';
import {
  compareWithStatus,
  controllerOptions,
  decideHpa,
  effectiveMetrics,
  effectiveMinReplicas,
  type ControllerOptions,
  type HpaDecision,
  type HpaPod,
  type StatusAgreement,
} from '../hpa/index.js';
import type { HpaHistory } from './history.js';
import { MetricFetcher, type MetricFetch } from './metric-fetcher.js';
import { listPodIndex, type PodIndex } from './pod-index.js';

export interface ReplayRequest extends CallOptions {
  /** Leave out for every namespace. */
  readonly namespace?: string | undefined;
  /** Replay only this HPA (needs `namespace`); the others of the namespace are read for the selector rule. */
  readonly name?: string | undefined;
  /** Label selector on the HPAs. */
  readonly labelSelector?: string | undefined;
  readonly controller?: Partial<ControllerOptions> | undefined;
  /** Epoch ms of the sync (default `Date.now()`). */
  readonly now?: number | undefined;
  /** Page size of the HPA and pod lists. */
  readonly limit?: number | undefined;
  /** Scale and metrics requests in flight at once (the client's concurrency by default). */
  readonly concurrency?: number | undefined;
  /** Carried between syncs by a watcher: the controller's memory as far as it was observed. */
  readonly history?: HpaHistory | undefined;
}

/** Why the controller stops before (or instead of) computing from metrics. */
export interface ReplayFailure {
  /** The condition the controller sets to False. */
  readonly condition: 'AbleToScale' | 'ScalingActive';
  readonly reason: 'FailedGetScale' | 'InvalidSelector' | 'AmbiguousSelector' | 'InvalidSpec';
  readonly message: string;
  readonly hint?: string | undefined;
  /** HTTP status of the request that failed (FailedGetScale), for callers mapping it to a cause. */
  readonly httpStatus?: number | undefined;
}

export interface HpaTarget {
  readonly kind: string;
  readonly name: string;
  readonly apiVersion?: string | undefined;
  /** `deployments.apps/v1`: where the scale was read. */
  readonly resource?: string | undefined;
  readonly selector?: string | undefined;
  readonly specReplicas?: number | undefined;
  readonly statusReplicas?: number | undefined;
}

export interface HpaReplay {
  readonly namespace: string;
  readonly name: string;
  readonly hpa: HorizontalPodAutoscaler;
  /** Epoch ms the sync was replayed at. */
  readonly now: number;
  readonly target: HpaTarget;
  readonly failure?: ReplayFailure | undefined;
  /** The pods the selector matched (the input of every per-pod metric). */
  readonly pods: readonly HpaPod[];
  readonly fetches: readonly MetricFetch[];
  readonly decision?: HpaDecision | undefined;
  readonly agreement?: StatusAgreement | undefined;
  /** How long a watcher has observed this HPA (ms), when replayed under `--watch`. */
  readonly watchedMs?: number | undefined;
}

function key(hpa: HorizontalPodAutoscaler): string {
  return `${hpa.metadata.namespace ?? ''}/${hpa.metadata.name ?? ''}`;
}

function time(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Compares a failure with the HPA's conditions: the controller sets the same reason when it agrees. */
function failureAgreement(hpa: HorizontalPodAutoscaler, failure: ReplayFailure): StatusAgreement {
  const condition = hpa.status?.conditions?.find((c) => c.type === failure.condition);
  if (condition === undefined)
    return { agrees: undefined, reason: `the status has no ${failure.condition} condition to compare with` };
  const agrees = condition.status === 'False' && condition.reason === failure.reason;
  return {
    agrees,
    reason: agrees
      ? `both: ${failure.condition}=False (${failure.reason})`
      : `we see ${failure.condition}=False (${failure.reason}), the status says ${failure.condition}=${condition.status} (${condition.reason ?? 'no reason'})`,
  };
}

type ScaleOutcome = { readonly scale: ScaleResult } | { readonly failure: ReplayFailure };

async function readScale(
  hpa: HorizontalPodAutoscaler,
  mapper: RestMapper,
  client: MetricsClient,
  options: CallOptions,
): Promise<ScaleOutcome> {
  const ref = hpa.spec.scaleTargetRef;
  const namespace = hpa.metadata.namespace ?? '';
  try {
    const { group } = parseGroupVersion(ref.apiVersion);
    const mappings = await mapper.mappings(group, ref.kind, options);
    return { scale: await getScale(client.transport, mappings, namespace, ref.name, options) };
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const hint =
      error instanceof KubemetricsError && (error as { status?: number }).status === 404
        ? `The scale target ${ref.kind} "${ref.name}" does not exist in namespace "${namespace}" (or has no scale subresource): fix spec.scaleTargetRef or create the workload (kubectl get ${ref.kind.toLowerCase()} ${ref.name} -n ${namespace}).`
        : error instanceof KubemetricsError
          ? error.hint
          : undefined;
    return {
      failure: {
        condition: 'AbleToScale',
        reason: 'FailedGetScale',
        message: `the HPA controller was unable to get the target's current scale: ${message}`,
        hint,
        httpStatus: isKubernetesApiError(error) ? error.status : undefined,
      },
    };
  }
}

/** The parsed selector of each HPA with a usable scale, for the ambiguous-selector rule. */
function parseSelector(scale: ScaleResult): LabelSelector | ReplayFailure {
  if (scale.selector === '') {
    return {
      condition: 'ScalingActive',
      reason: 'InvalidSelector',
      message: "the HPA target's scale is missing a selector",
      hint: 'The target reports no status.selector in its scale subresource: a custom resource needs `scale.labelSelectorPath` in its CRD; a Deployment, ReplicaSet or StatefulSet always reports one once its controller has seen it.',
    };
  }
  try {
    return parseLabelSelector(scale.selector);
  } catch (error) {
    return {
      condition: 'ScalingActive',
      reason: 'InvalidSelector',
      message: `couldn't convert selector into a corresponding internal selector object: ${(error as Error).message}`,
    };
  }
}

/** reconcileAutoscaler's cases that set a count without metrics (0 replicas, outside min/max). */
function decidedWithoutMetrics(hpa: HorizontalPodAutoscaler, scale: ScaleResult): boolean {
  const current = scale.specReplicas;
  const min = effectiveMinReplicas(hpa.spec);
  return (current === 0 && min !== 0) || current > hpa.spec.maxReplicas || current < min;
}

/** Replays one sync; see the module comment for what is fetched. */
export async function replayHpas(client: MetricsClient, request: ReplayRequest = {}): Promise<HpaReplay[]> {
  const call: CallOptions = { signal: request.signal, timeoutMs: request.timeoutMs };
  if (request.name !== undefined && request.namespace === undefined) {
    throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', 'replaying one HPA by name needs its namespace');
  }
  const now = request.now ?? Date.now();
  const options = controllerOptions(request.controller);
  const concurrency = request.concurrency ?? client.concurrency;
  const hpas = await collect(
    listHorizontalPodAutoscalers<HorizontalPodAutoscaler>(client.transport, {
      namespace: request.namespace,
      labelSelector: request.labelSelector,
      limit: request.limit,
      onExpired: 'restart',
      ...call,
    }),
  );
  let chosen = hpas;
  if (request.name !== undefined) {
    chosen = hpas.filter((h) => h.metadata.name === request.name);
    if (chosen.length === 0) {
      // kubectl's words for a missing object.
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_API',
        `horizontalpodautoscalers.autoscaling "${request.name}" not found`,
        {
          hint: `There is no HPA "${request.name}" in namespace "${request.namespace}": list them with \`kubemetrics hpa list -n ${request.namespace}\` (or every namespace with -A).`,
        },
      );
    }
  }
  if (hpas.length === 0) return [];

  const mapper = new RestMapper(client.transport);
  const fetcher = new MetricFetcher(new HpaMetricsReader(client), mapper, call);
  // Scales of every listed HPA: the chosen ones need theirs, the others' selectors decide ambiguity.
  const scales = await mapConcurrent(hpas, concurrency, (hpa) => readScale(hpa, mapper, client, call));
  const scaleOf = new Map(hpas.map((h, i) => [key(h), scales[i]!]));
  const selectors = new Map<string, LabelSelector>();
  for (const [k, outcome] of scaleOf) {
    if ('scale' in outcome) {
      const parsed = parseSelector(outcome.scale);
      if (!('condition' in parsed)) selectors.set(k, parsed);
    }
  }

  // Which chosen HPAs get as far as the pods (no failure, no shortcut).
  const needsPods = chosen.filter((hpa) => {
    const outcome = scaleOf.get(key(hpa))!;
    if (!('scale' in outcome)) return false;
    return !decidedWithoutMetrics(hpa, outcome.scale) && selectors.has(key(hpa));
  });
  let pods: PodIndex | undefined;
  if (needsPods.length > 0) {
    const single = request.name !== undefined ? selectors.get(key(needsPods[0]!)) : undefined;
    pods = await listPodIndex(client, {
      namespace: request.namespace,
      // One HPA: its own selector, as the controller's lister applies it.
      labelSelector: single?.toString(),
      limit: request.limit,
      ...call,
    });
  }

  return mapConcurrent(chosen, concurrency, async (hpa): Promise<HpaReplay> => {
    const k = key(hpa);
    const namespace = hpa.metadata.namespace ?? '';
    const ref = hpa.spec.scaleTargetRef;
    const outcome = scaleOf.get(k)!;
    const base = {
      namespace,
      name: hpa.metadata.name ?? '',
      hpa,
      now,
      pods: [] as HpaPod[],
      fetches: [] as MetricFetch[],
    };
    const targetBase = { kind: ref.kind, name: ref.name, apiVersion: ref.apiVersion };
    if (!('scale' in outcome)) {
      return {
        ...base,
        target: targetBase,
        failure: outcome.failure,
        agreement: failureAgreement(hpa, outcome.failure),
      };
    }
    const scale = outcome.scale;
    const m = scale.mapping;
    const target: HpaTarget = {
      ...targetBase,
      resource: `${m.resource}${m.group === '' ? '' : `.${m.group}`}/${m.version}`,
      selector: scale.selector,
      specReplicas: scale.specReplicas,
      statusReplicas: scale.statusReplicas,
    };
    const lastScaleTime = time(hpa.status?.lastScaleTime);
    const memory = request.history?.memory(k, hpa.spec, scale.specReplicas, lastScaleTime, now);
    const decide = (selected: readonly HpaPod[], observations: Parameters<typeof decideHpa>[0]['metrics']) =>
      decideHpa({
        spec: hpa.spec,
        scale: { specReplicas: scale.specReplicas, statusReplicas: scale.statusReplicas },
        pods: selected,
        metrics: observations,
        now,
        options,
        memory,
        lastScaleTime,
      });
    let decision: HpaDecision;
    let selected: HpaPod[] = [];
    let fetches: MetricFetch[] = [];
    try {
      if (!needsPods.includes(hpa)) {
        const parsed = parseSelector(scale);
        if (!decidedWithoutMetrics(hpa, scale) && 'condition' in parsed) {
          return { ...base, target, failure: parsed, agreement: failureAgreement(hpa, parsed) };
        }
        decision = decide([], []);
      } else {
        const selector = selectors.get(k)!;
        const matched = pods?.select(namespace, selector) ?? [];
        // horizontal.go hpasControllingPodsUnderSelector: every HPA whose selector picks one of these pods.
        const controlling = new Set<string>([k]);
        for (const [other, otherSelector] of selectors) {
          if (other === k || !other.startsWith(`${namespace}/`)) continue;
          if (matched.some((p) => otherSelector.matches(p.labels))) controlling.add(other);
        }
        if (controlling.size > 1) {
          const failure: ReplayFailure = {
            condition: 'ScalingActive',
            reason: 'AmbiguousSelector',
            message: `pods by selector ${scale.selector} are controlled by multiple HPAs: [${[...controlling].sort().join(' ')}]`,
            hint: 'Each pod may be selected by one HPA only: point the other HPA at a different workload, or give the workloads selectors that do not overlap.',
          };
          return { ...base, target, failure, agreement: failureAgreement(hpa, failure) };
        }
        selected = matched.map((p) => p.pod);
        const fetched = await Promise.all(
          effectiveMetrics(hpa.spec).map((spec, i) => fetcher.fetch(spec, i, namespace, selector.toString())),
        );
        fetches = fetched.map((f) => f.fetch);
        decision = decide(
          selected,
          fetched.map((f) => f.observation),
        );
      }
    } catch (error) {
      if (request.signal?.aborted === true) throw error;
      if (!(error instanceof KubemetricsError)) throw error;
      const failure: ReplayFailure = {
        condition: 'ScalingActive',
        reason: 'InvalidSpec',
        message: error.message,
        hint: error.hint,
      };
      return { ...base, target, pods: selected, fetches, failure };
    }
    request.history?.record(k, decision.recommendedReplicas, now);
    return {
      ...base,
      target,
      pods: selected,
      fetches,
      decision,
      agreement: compareWithStatus(decision, hpa.status ?? {}),
      watchedMs: request.history?.watchedMs(k, now),
    };
  });
}
