/**
 * A pod's effective requests and limits, by the rules the scheduler, the kubelet and
 * `kubectl describe node` share: k8s.io/component-helpers resource/helpers.go `PodRequests` and
 * `PodLimits` with default options (spec values; overhead included; pod-level resources honoured).
 *
 * In one breath: regular containers add up; restartable init containers ("sidecars",
 * `restartPolicy: Always`) add up too, because they keep running; every regular init container
 * needs its own amount plus the sidecars started before it, and the pod needs the larger of that
 * peak and the running sum; pod-level `spec.resources` then replaces the aggregate for the
 * resources it names that pod-level resources support (cpu, memory, hugepages-*); finally
 * `spec.overhead` is added to every request, and to a limit only where the limit is set and
 * non-zero. docs/report-rules.md walks through examples.
 *
 * Not modelled: in-place resize status (`UseStatusResources`: `kubectl describe node` uses it for
 * the per-pod lines but not for the "Allocated resources" totals) and DRA node-allocatable claims.
 */
import {
  addInto,
  isHugePagesResource,
  maxInto,
  type MutableResourceAmounts,
  type ResourceAmounts,
} from './resource-amounts.js';

/**
 * How a container runs: `container` (in `spec.containers`), `init` (in `spec.initContainers`,
 * runs to completion before the next one starts) or `sidecar` (in `spec.initContainers` with
 * `restartPolicy: Always`: starts in order and keeps running beside the containers).
 */
export type ContainerKind = 'container' | 'init' | 'sidecar';

/** One container's declared resources. */
export interface ContainerResources {
  readonly name: string;
  readonly kind: ContainerKind;
  readonly requests: ResourceAmounts;
  readonly limits: ResourceAmounts;
}

/** Pod-level `spec.resources` (the PodLevelResources feature). */
export interface PodLevelResources {
  readonly requests: ResourceAmounts;
  readonly limits: ResourceAmounts;
}

/** What the effective-resource rules read from a pod. */
export interface PodResourceInput {
  /**
   * All containers. Only the relative order of `init` and `sidecar` entries matters (it is the
   * start order); trimmed records list init containers first, in spec order, then containers.
   */
  readonly containers: readonly ContainerResources[];
  /** `spec.resources`, or `undefined` when the pod has none. */
  readonly podLevel?: PodLevelResources | undefined;
  /** `spec.overhead` (RuntimeClass overhead), or `undefined`. */
  readonly overhead?: ResourceAmounts | undefined;
}

/**
 * True for the resources pod-level `spec.resources` may set: cpu, memory and hugepages-*
 * (component-helpers `IsSupportedPodLevelResource`). Others (ephemeral-storage, extended
 * resources) at pod level are ignored, and the container aggregate stands.
 */
export function isSupportedPodLevelResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || isHugePagesResource(name);
}

function hasSupportedPodLevelResource(amounts: ResourceAmounts | undefined): boolean {
  if (amounts === undefined) return false;
  for (const name in amounts) if (isSupportedPodLevelResource(name)) return true;
  return false;
}

/** component-helpers `IsPodLevelRequestsSet`: some supported resource has a pod-level request. */
export function isPodLevelRequestsSet(podLevel: PodLevelResources | undefined): boolean {
  return hasSupportedPodLevelResource(podLevel?.requests);
}

/**
 * component-helpers `IsPodLevelResourcesSet`: some supported resource has a pod-level request or
 * limit. This (not "limits set") is the gate for applying pod-level limits.
 */
export function isPodLevelResourcesSet(podLevel: PodLevelResources | undefined): boolean {
  return hasSupportedPodLevelResource(podLevel?.requests) || hasSupportedPodLevelResource(podLevel?.limits);
}

type Side = 'requests' | 'limits';

/**
 * The container aggregate for one side (component-helpers `aggregateContainerResourcesByFn`):
 * sum of containers and sidecars, raised to the peak any init container needs.
 */
function aggregateContainers(containers: readonly ContainerResources[], side: Side): MutableResourceAmounts {
  const result: MutableResourceAmounts = {};
  let sidecars: MutableResourceAmounts | undefined;
  let initPeak: MutableResourceAmounts | undefined;
  for (const container of containers) {
    const amounts = container[side];
    if (container.kind === 'container') {
      addInto(result, amounts);
    } else if (container.kind === 'sidecar') {
      addInto(result, amounts);
      sidecars ??= {};
      addInto(sidecars, amounts);
      // While this sidecar starts, it and every sidecar before it run.
      initPeak ??= {};
      maxInto(initPeak, sidecars);
    } else {
      // A regular init container runs alone, beside the sidecars already started.
      initPeak ??= {};
      if (sidecars === undefined) {
        maxInto(initPeak, amounts);
      } else {
        const combined: MutableResourceAmounts = { ...amounts };
        addInto(combined, sidecars);
        maxInto(initPeak, combined);
      }
    }
  }
  if (initPeak !== undefined) maxInto(result, initPeak);
  return result;
}

function applyPodLevel(result: MutableResourceAmounts, podLevel: ResourceAmounts): void {
  for (const name in podLevel) {
    if (isSupportedPodLevelResource(name)) result[name] = podLevel[name] as bigint;
  }
}

/**
 * Effective pod requests (component-helpers `PodRequests`, default options): the container
 * aggregate, pod-level requests for the supported resources they name, plus overhead on every
 * resource the overhead names (even ones no container requests).
 *
 * @returns a new frozen object; a resource nobody requests is absent
 */
export function effectivePodRequests(input: PodResourceInput): ResourceAmounts {
  const result = aggregateContainers(input.containers, 'requests');
  if (input.podLevel !== undefined && isPodLevelRequestsSet(input.podLevel)) {
    applyPodLevel(result, input.podLevel.requests);
  }
  if (input.overhead !== undefined) addInto(result, input.overhead);
  return Object.freeze(result);
}

/**
 * Effective pod limits (component-helpers `PodLimits`, default options): the container aggregate
 * (a container without a limit contributes nothing, so the sum covers only the limits that are
 * set), pod-level limits for the supported resources they name, plus overhead only on resources
 * that already have a non-zero limit.
 *
 * @returns a new frozen object; a resource without any limit is absent (unbounded)
 */
export function effectivePodLimits(input: PodResourceInput): ResourceAmounts {
  const result = aggregateContainers(input.containers, 'limits');
  if (input.podLevel !== undefined && isPodLevelResourcesSet(input.podLevel)) {
    applyPodLevel(result, input.podLevel.limits);
  }
  if (input.overhead !== undefined) {
    for (const name in input.overhead) {
      const limit = result[name];
      if (limit !== undefined && limit !== 0n) result[name] = limit + (input.overhead[name] as bigint);
    }
  }
  return Object.freeze(result);
}
