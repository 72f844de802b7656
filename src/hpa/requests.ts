/**
 * The request a pod's usage is divided by, by the replica calculator's rules
 * (replica_calculator.go `calculateRequests`):
 *
 * - a ContainerResource metric names a container: that container's request only (a sidecar may be
 *   named too); pod-level requests are ignored;
 * - otherwise, when the pod sets pod-level requests (PodLevelResources, KEP-2837): the pod's
 *   effective request as `PodRequests` computes it — the pod-level value, plus RuntimeClass
 *   overhead;
 * - otherwise the sum over containers and restartable ("sidecar") init containers. A container
 *   without a request for the resource fails the whole metric, exactly as upstream.
 */
import type { ResourceList } from '../api/index.js';
import { parseQuantity } from '../quantity/index.js';
import type { HpaContainer, HpaPod } from './inputs.js';

export type RequestSource = 'container' | 'containers' | 'pod-level';

export type PodRequest =
  | { readonly ok: true; readonly milli: bigint; readonly source: RequestSource }
  | { readonly ok: false; readonly message: string };

function milliOf(list: ResourceList | undefined, resource: string): bigint | undefined {
  const text = list?.[resource];
  return text === undefined ? undefined : parseQuantity(text).milliValue();
}

/** component-helpers `IsSupportedPodLevelResource` / `IsPodLevelRequestsSet`. */
function podLevelRequestsSet(pod: HpaPod): boolean {
  for (const name of Object.keys(pod.podRequests ?? {})) {
    if (name === 'cpu' || name === 'memory' || name.startsWith('hugepages-')) return true;
  }
  return false;
}

const isSidecar = (c: HpaContainer): boolean => c.restartPolicy === 'Always';

/**
 * `PodRequests` for one resource when pod-level requests are set: the pod-level value when it names
 * the resource, else the container aggregate (running containers and sidecars, raised to the
 * largest init-container phase), plus overhead.
 */
function podLevelRequest(pod: HpaPod, resource: string): bigint | undefined {
  let value = milliOf(pod.podRequests, resource);
  if (value === undefined) {
    let running: bigint | undefined;
    let sidecars = 0n;
    let peak: bigint | undefined;
    const add = (a: bigint | undefined, b: bigint | undefined): bigint | undefined =>
      a === undefined ? b : b === undefined ? a : a + b;
    for (const c of pod.initContainers ?? []) {
      const own = milliOf(c.requests, resource);
      if (isSidecar(c)) {
        running = add(running, own);
        sidecars += own ?? 0n;
      }
      const phase = isSidecar(c) ? sidecars : (own ?? 0n) + sidecars;
      if (own !== undefined || sidecars > 0n) peak = peak === undefined || phase > peak ? phase : peak;
    }
    for (const c of pod.containers) running = add(running, milliOf(c.requests, resource));
    value = peak !== undefined && (running === undefined || peak > running) ? peak : running;
  }
  const overhead = milliOf(pod.overhead, resource);
  if (overhead !== undefined) value = (value ?? 0n) + overhead;
  return value;
}

export function podRequest(
  pod: HpaPod,
  resource: string,
  container: string | undefined,
  podLevelResources: boolean,
): PodRequest {
  if (podLevelResources && !container && podLevelRequestsSet(pod)) {
    const milli = podLevelRequest(pod, resource);
    if (milli === undefined)
      return { ok: false, message: `missing pod-level request for ${resource} in Pod ${pod.name}` };
    return { ok: true, milli, source: 'pod-level' };
  }
  const counted = [...pod.containers, ...(pod.initContainers ?? []).filter(isSidecar)];
  let total = 0n;
  for (const c of counted) {
    if (container && c.name !== container) continue;
    const milli = milliOf(c.requests, resource);
    if (milli === undefined) {
      return {
        ok: false,
        message: `missing request for ${resource} in container ${c.name} of Pod ${pod.name}`,
      };
    }
    total += milli;
    // Container names are unique in a pod: the named one is the whole answer.
    if (container) return { ok: true, milli: total, source: 'container' };
  }
  if (container) return { ok: false, message: `container ${container} not found in Pod ${pod.name}` };
  return { ok: true, milli: total, source: 'containers' };
}
