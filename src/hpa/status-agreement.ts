/**
 * Does our replay agree with what the controller wrote into the HPA's status? The status is the
 * result of the controller's last sync (every 15 s by default), ours is a sync replayed now, so a
 * metric that moved in between can make them differ; the reason says which comparison was made.
 */
import type { HpaDecision } from './decision.js';

export interface HpaStatusSnapshot {
  readonly desiredReplicas?: number | undefined;
  readonly conditions?:
    | readonly { readonly type: string; readonly status: string; readonly reason?: string | undefined }[]
    | undefined;
}

export interface StatusAgreement {
  /** `undefined` when the status does not say enough to judge. */
  readonly agrees: boolean | undefined;
  readonly reason: string;
}

export function compareWithStatus(decision: HpaDecision, status: HpaStatusSnapshot): StatusAgreement {
  const blocked = decision.recommendation?.blocked;
  if (blocked !== undefined) {
    // The controller keeps the old desired count and sets ScalingActive=False with the first error's reason.
    const expected = decision.recommendation?.firstError?.reason;
    const active = status.conditions?.find((c) => c.type === 'ScalingActive');
    if (active === undefined)
      return { agrees: undefined, reason: 'the status has no ScalingActive condition to compare with' };
    const agrees = active.status === 'False' && (expected === undefined || active.reason === expected);
    return {
      agrees,
      reason: agrees
        ? `both cannot compute: ScalingActive=False (${active.reason ?? 'no reason'})`
        : `we cannot compute (${expected ?? blocked}), the status says ScalingActive=${active.status} (${active.reason ?? 'no reason'})`,
    };
  }
  const observed = status.desiredReplicas;
  const range = decision.desiredReplicasRange;
  if (observed === undefined || range === undefined) {
    return { agrees: undefined, reason: 'no desired replica count to compare' };
  }
  if (range.min === range.max) {
    return {
      agrees: observed === range.min,
      reason: `status.desiredReplicas ${observed}, replayed ${range.min}`,
    };
  }
  const agrees = observed >= range.min && observed <= range.max;
  return {
    agrees,
    reason: `status.desiredReplicas ${observed} is ${agrees ? 'inside' : 'outside'} the replayed range ${range.min}..${range.max}`,
  };
}
