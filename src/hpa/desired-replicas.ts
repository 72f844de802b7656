/**
 * The recommendation → the count the controller sets, when its memory is known (exact) or not
 * (a range). The controller remembers every recommendation of the stabilization windows and
 * every scale event of the policy periods, in memory only; one look at the cluster sees neither.
 *
 * The result is monotone in each unknown (a higher remembered recommendation, more pods removed
 * recently, … never lower it), so its range is the result at the two extreme memories:
 *
 * - a window the known history does not cover may hold any recommendation: the scale-down window
 *   can hold the count up (to max/rate limits), the scale-up window can hold it down (to current);
 * - a policy period with unknown scale events may have used up the whole budget (no change now) or
 *   have room beyond it. `lastScaleTime` older than the period proves there were none.
 *
 * `history.completeSince` says from when the given history is complete (a watcher that started
 * observing at that time); history given without it is taken as complete.
 */
import {
  applyRateLimit,
  convertDesiredReplicasWithRules,
  policyLimit,
  stabilizeBetween,
  type LimitReason,
  type Recommendation,
  type ScaleEvent,
} from './normalize.js';
import type { DefaultedBehavior, DefaultedScalingRules } from './spec.js';

export interface ControllerMemory {
  readonly recommendations: readonly Recommendation[];
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
  /** The history is complete from this time on (epoch ms); absent = complete. */
  readonly completeSince?: number | undefined;
}

export interface DesiredInputs {
  readonly currentReplicas: number;
  /** The metrics' recommendation (the maximum over metrics). */
  readonly recommendation: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Defaulted behavior, or undefined for an HPA without one. */
  readonly behavior: DefaultedBehavior | undefined;
  /** `--horizontal-pod-autoscaler-downscale-stabilization`, for HPAs without behavior. */
  readonly downscaleStabilizationSeconds: number;
  /** horizontal.go `scaleUpLimitFactor` for HPAs without behavior (default 2). */
  readonly scaleUpLimitFactor?: number | undefined;
  readonly now: number;
  readonly memory?: ControllerMemory | undefined;
  /** `status.lastScaleTime` (epoch ms): no scale event is newer. */
  readonly lastScaleTime?: number | undefined;
}

export interface DesiredBound {
  readonly replicas: number;
  /** The stabilized recommendation this bound came from. */
  readonly stabilized: number;
  readonly limitReason: LimitReason;
}

export interface DesiredReplicas {
  /** True when the memory was known well enough to give one number. */
  readonly exact: boolean;
  readonly min: DesiredBound;
  readonly max: DesiredBound;
  /** What is unknown, in words, empty when exact. */
  readonly unknowns: readonly string[];
}

const UNBOUNDED_HIGH = 2147483647;
const UNBOUNDED_LOW = -2147483648;

interface WindowBounds {
  readonly low: number;
  readonly high: number;
  readonly known: boolean;
}

/** The extreme of the remembered recommendations in a window, combined with the proposal. */
function windowBounds(
  proposal: number,
  windowSeconds: number,
  memory: ControllerMemory | undefined,
  now: number,
  pick: 'max' | 'min',
  strictAfter: boolean,
): WindowBounds {
  const cutoff = now - windowSeconds * 1000;
  let extreme = proposal;
  for (const rec of memory?.recommendations ?? []) {
    const inside = strictAfter ? rec.timestamp > cutoff : rec.timestamp >= cutoff;
    if (inside) extreme = pick === 'max' ? Math.max(extreme, rec.replicas) : Math.min(extreme, rec.replicas);
  }
  const known =
    windowSeconds === 0 || (memory !== undefined && (memory.completeSince ?? -Infinity) <= cutoff);
  if (known) return { low: extreme, high: extreme, known };
  return pick === 'max'
    ? { low: extreme, high: UNBOUNDED_HIGH, known }
    : { low: UNBOUNDED_LOW, high: extreme, known };
}

/** True when no scale event of the direction can fall inside any of its policy periods unseen. */
function eventsKnown(rules: DefaultedScalingRules, inputs: DesiredInputs): boolean {
  return rules.policies.every((policy) => {
    const cutoff = inputs.now - policy.periodSeconds * 1000;
    if (inputs.lastScaleTime !== undefined && inputs.lastScaleTime <= cutoff) return true;
    return inputs.memory !== undefined && (inputs.memory.completeSince ?? -Infinity) <= cutoff;
  });
}

export function desiredReplicas(inputs: DesiredInputs): DesiredReplicas {
  const { currentReplicas: current, recommendation: proposal, now } = inputs;
  const unknowns: string[] = [];
  const behavior = inputs.behavior;

  if (behavior === undefined) {
    const down = windowBounds(
      proposal,
      inputs.downscaleStabilizationSeconds,
      inputs.memory,
      now,
      'max',
      false,
    );
    if (!down.known) {
      unknowns.push(
        `recommendations of the last ${inputs.downscaleStabilizationSeconds}s (downscale stabilization) may hold the count up`,
      );
    }
    const bound = (stabilized: number): DesiredBound => {
      const limited = convertDesiredReplicasWithRules(
        current,
        stabilized,
        inputs.minReplicas,
        inputs.maxReplicas,
      );
      return { replicas: limited.replicas, stabilized, limitReason: limited.reason };
    };
    const min = bound(down.low);
    const max = bound(down.high);
    return { exact: min.replicas === max.replicas, min, max, unknowns };
  }

  const up = windowBounds(
    proposal,
    behavior.scaleUp.stabilizationWindowSeconds,
    inputs.memory,
    now,
    'min',
    true,
  );
  const down = windowBounds(
    proposal,
    behavior.scaleDown.stabilizationWindowSeconds,
    inputs.memory,
    now,
    'max',
    true,
  );
  if (!up.known) {
    unknowns.push(
      `recommendations of the last ${behavior.scaleUp.stabilizationWindowSeconds}s (scaleUp stabilization window) may hold the count down`,
    );
  }
  if (!down.known) {
    unknowns.push(
      `recommendations of the last ${behavior.scaleDown.stabilizationWindowSeconds}s (scaleDown stabilization window) may hold the count up`,
    );
  }
  const events = {
    scaleUp: inputs.memory?.scaleUpEvents ?? [],
    scaleDown: inputs.memory?.scaleDownEvents ?? [],
  };
  const upKnown = behavior.scaleUp.selectPolicy === 'Disabled' || eventsKnown(behavior.scaleUp, inputs);
  const downKnown = behavior.scaleDown.selectPolicy === 'Disabled' || eventsKnown(behavior.scaleDown, inputs);
  const bound = (stabilized: number, extreme: 'low' | 'high'): DesiredBound => {
    const rate = {
      currentReplicas: current,
      desiredReplicas: stabilized,
      minReplicas: inputs.minReplicas,
      maxReplicas: inputs.maxReplicas,
      scaleUp: behavior.scaleUp,
      scaleDown: behavior.scaleDown,
    };
    let limit: number | undefined;
    if (stabilized > current) {
      limit = upKnown ? policyLimit(rate, events, now) : extreme === 'low' ? current : UNBOUNDED_HIGH;
    } else if (stabilized < current) {
      limit = downKnown ? policyLimit(rate, events, now) : extreme === 'low' ? UNBOUNDED_LOW : current;
    }
    const limited = applyRateLimit(rate, limit);
    return { replicas: limited.replicas, stabilized, limitReason: limited.reason };
  };
  const lowStabilized = stabilizeBetween(current, proposal, up.low, down.low).replicas;
  const highStabilized = stabilizeBetween(current, proposal, up.high, down.high).replicas;
  const min = bound(lowStabilized, 'low');
  const max = bound(highStabilized, 'high');
  if (!upKnown && max.stabilized > current) {
    unknowns.push(
      'scale-up events of the policy periods are unknown (status.lastScaleTime is inside a period)',
    );
  }
  if (!downKnown && min.stabilized < current) {
    unknowns.push(
      'scale-down events of the policy periods are unknown (status.lastScaleTime is inside a period)',
    );
  }
  return { exact: min.replicas === max.replicas, min, max, unknowns };
}
