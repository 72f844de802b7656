/**
 * From the metrics' recommendation to the count the controller writes, by horizontal.go:
 *
 * - no `behavior`: `stabilizeRecommendation` (the highest recommendation of the downscale
 *   stabilization window) then `convertDesiredReplicasWithRules` (min/max, and never more than
 *   `max(2 x current, 4)` in one step);
 * - with `behavior`: `stabilizeRecommendationWithBehaviors` (the lowest recommendation of the
 *   scale-up window and the highest of the scale-down window bound the change) then
 *   `convertDesiredReplicasWithBehaviorRate` (the policies: how many pods may be added or removed
 *   per period, counting the scale events of that period, combined by `selectPolicy`).
 *
 * The controller keeps the recommendations and scale events in memory only; these functions take
 * them as plain arrays and return the arrays the controller would keep, so a watcher can carry
 * them forward. All times are epoch ms and every function takes `now`.
 */
import type { DefaultedScalingRules } from './spec.js';

export interface Recommendation {
  readonly replicas: number;
  readonly timestamp: number;
}

/** A rescale the controller made: how many pods it added (scale-up) or removed (scale-down). */
export interface ScaleEvent {
  readonly replicaChange: number;
  readonly timestamp: number;
  /** Older than the longest policy period: the slot may be reused. */
  readonly outdated?: boolean | undefined;
}

export type LimitReason =
  'DesiredWithinRange' | 'TooFewReplicas' | 'TooManyReplicas' | 'ScaleUpLimit' | 'ScaleDownLimit';

export interface Limited {
  readonly replicas: number;
  /** The `ScalingLimited` condition reason the controller would set. */
  readonly reason: LimitReason;
}

/** `scaleUpLimitFactor` and `scaleUpLimitMinimum` of horizontal.go. */
export const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * `stabilizeRecommendation`: the maximum of the proposal and every recommendation not older than
 * the window. The new proposal replaces one expired entry (the last found) or is appended.
 */
export function stabilizeRecommendation(
  history: readonly Recommendation[],
  proposal: number,
  windowSeconds: number,
  now: number,
): { stabilized: number; history: Recommendation[] } {
  const cutoff = now - windowSeconds * 1000;
  let stabilized = proposal;
  let oldIndex = -1;
  history.forEach((rec, i) => {
    if (rec.timestamp < cutoff) oldIndex = i;
    else if (rec.replicas > stabilized) stabilized = rec.replicas;
  });
  return { stabilized, history: record(history, oldIndex, { replicas: proposal, timestamp: now }) };
}

function record(
  history: readonly Recommendation[],
  oldIndex: number,
  entry: Recommendation,
): Recommendation[] {
  const next = [...history];
  if (oldIndex >= 0) next[oldIndex] = entry;
  else next.push(entry);
  return next;
}

/** `calculateScaleUpLimit`: twice the current count (the factor), at least 4. */
export function legacyScaleUpLimit(currentReplicas: number, factor = SCALE_UP_LIMIT_FACTOR): number {
  return Math.max(factor * currentReplicas, SCALE_UP_LIMIT_MINIMUM);
}

/** `convertDesiredReplicasWithRules`: the clamp of an HPA without `behavior`. */
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  scaleUpLimitFactor = SCALE_UP_LIMIT_FACTOR,
): Limited {
  const upLimit = legacyScaleUpLimit(currentReplicas, scaleUpLimitFactor);
  const [maxAllowed, maxReason]: [number, LimitReason] =
    maxReplicas > upLimit ? [upLimit, 'ScaleUpLimit'] : [maxReplicas, 'TooManyReplicas'];
  if (desiredReplicas < minReplicas) return { replicas: minReplicas, reason: 'TooFewReplicas' };
  if (desiredReplicas > maxAllowed) return { replicas: maxAllowed, reason: maxReason };
  return { replicas: desiredReplicas, reason: 'DesiredWithinRange' };
}

export interface StabilizationWindows {
  readonly scaleUpSeconds: number;
  readonly scaleDownSeconds: number;
}

export interface Stabilized {
  readonly replicas: number;
  /** `ScaleUpStabilized` / `ScaleDownStabilized` when it differs from the proposal, else `ReadyForNewScale`. */
  readonly reason: 'ScaleUpStabilized' | 'ScaleDownStabilized' | 'ReadyForNewScale';
  /** The lowest recommendation of the scale-up window (the proposal included). */
  readonly upRecommendation: number;
  /** The highest recommendation of the scale-down window (the proposal included). */
  readonly downRecommendation: number;
}

/** Bring the current count within `[upRecommendation, downRecommendation]`. */
export function stabilizeBetween(
  currentReplicas: number,
  proposal: number,
  upRecommendation: number,
  downRecommendation: number,
): Stabilized {
  let replicas = currentReplicas;
  if (replicas < upRecommendation) replicas = upRecommendation;
  if (replicas > downRecommendation) replicas = downRecommendation;
  const reason =
    replicas === proposal
      ? 'ReadyForNewScale'
      : proposal >= currentReplicas
        ? 'ScaleUpStabilized'
        : 'ScaleDownStabilized';
  return { replicas, reason, upRecommendation, downRecommendation };
}

/** `stabilizeRecommendationWithBehaviors`. */
export function stabilizeRecommendationWithBehaviors(
  history: readonly Recommendation[],
  currentReplicas: number,
  proposal: number,
  windows: StabilizationWindows,
  now: number,
): Stabilized & { history: Recommendation[] } {
  const upCutoff = now - windows.scaleUpSeconds * 1000;
  const downCutoff = now - windows.scaleDownSeconds * 1000;
  let up = proposal;
  let down = proposal;
  let oldIndex = -1;
  history.forEach((rec, i) => {
    if (rec.timestamp > upCutoff) up = Math.min(rec.replicas, up);
    if (rec.timestamp > downCutoff) down = Math.max(rec.replicas, down);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldIndex = i;
  });
  return {
    ...stabilizeBetween(currentReplicas, proposal, up, down),
    history: record(history, oldIndex, { replicas: proposal, timestamp: now }),
  };
}

/** `getReplicasChangePerPeriod`: pods added (or removed) by events inside the last period. */
export function replicasChangePerPeriod(
  periodSeconds: number,
  events: readonly ScaleEvent[],
  now: number,
): number {
  const cutoff = now - periodSeconds * 1000;
  let change = 0;
  for (const e of events) if (e.timestamp > cutoff) change += e.replicaChange;
  return change;
}

export interface ScaleEvents {
  readonly scaleUp: readonly ScaleEvent[];
  readonly scaleDown: readonly ScaleEvent[];
}

function periodStart(
  currentReplicas: number,
  periodSeconds: number,
  events: ScaleEvents,
  now: number,
): number {
  return (
    currentReplicas -
    replicasChangePerPeriod(periodSeconds, events.scaleUp, now) +
    replicasChangePerPeriod(periodSeconds, events.scaleDown, now)
  );
}

/**
 * The count the policies allow now, for one direction (horizontal.go
 * `calculateScaleUpLimitWithScalingRules` / `calculateScaleDownLimitWithBehaviors`): each policy
 * proposes a count from the count at its period's start; `Max` takes the largest change (the highest
 * count going up, the lowest going down), `Min` the smallest, `Disabled` none.
 */
function limitFromPolicies(
  direction: 'up' | 'down',
  currentReplicas: number,
  events: ScaleEvents,
  rules: DefaultedScalingRules,
  now: number,
): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const pickHigher = (direction === 'up') === (rules.selectPolicy !== 'Min');
  let result = pickHigher ? INT32_MIN : INT32_MAX;
  for (const policy of rules.policies) {
    const start = periodStart(currentReplicas, policy.periodSeconds, events, now);
    const proposed =
      direction === 'up'
        ? policy.type === 'Pods'
          ? start + policy.value
          : // Rounded up, or a small Percent policy could never add a pod.
            Math.ceil(start * (1 + policy.value / 100))
        : policy.type === 'Pods'
          ? start - policy.value
          : Math.trunc(start * (1 - policy.value / 100));
    result = pickHigher ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** `calculateScaleUpLimitWithScalingRules`: the most pods the scale-up policies allow now. */
export function scaleUpLimit(
  currentReplicas: number,
  events: ScaleEvents,
  rules: DefaultedScalingRules,
  now: number,
): number {
  return limitFromPolicies('up', currentReplicas, events, rules, now);
}

/** `calculateScaleDownLimitWithBehaviors`: the fewest pods the scale-down policies allow now. */
export function scaleDownLimit(
  currentReplicas: number,
  events: ScaleEvents,
  rules: DefaultedScalingRules,
  now: number,
): number {
  return limitFromPolicies('down', currentReplicas, events, rules, now);
}

export interface RateInputs {
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly scaleUp: DefaultedScalingRules;
  readonly scaleDown: DefaultedScalingRules;
}

/**
 * `convertDesiredReplicasWithBehaviorRate`, with the policy limit given (so callers can also ask
 * "what if the events were different"): `limit` is the scale-up or scale-down limit for the
 * direction of the change, or undefined when nothing changes.
 */
export function applyRateLimit(inputs: RateInputs, limit: number | undefined): Limited {
  const { currentReplicas: current, desiredReplicas: desired } = inputs;
  if (desired > current && limit !== undefined) {
    const upLimit = Math.max(limit, current);
    const [maxAllowed, reason]: [number, LimitReason] =
      inputs.maxReplicas > upLimit ? [upLimit, 'ScaleUpLimit'] : [inputs.maxReplicas, 'TooManyReplicas'];
    if (desired > maxAllowed) return { replicas: maxAllowed, reason };
  } else if (desired < current && limit !== undefined) {
    const downLimit = Math.min(limit, current);
    const [minAllowed, reason]: [number, LimitReason] =
      inputs.minReplicas < downLimit ? [downLimit, 'ScaleDownLimit'] : [inputs.minReplicas, 'TooFewReplicas'];
    if (desired < minAllowed) return { replicas: minAllowed, reason };
  }
  return { replicas: desired, reason: 'DesiredWithinRange' };
}

/** The policy limit for the direction of the change under known events. */
export function policyLimit(inputs: RateInputs, events: ScaleEvents, now: number): number | undefined {
  if (inputs.desiredReplicas > inputs.currentReplicas)
    return scaleUpLimit(inputs.currentReplicas, events, inputs.scaleUp, now);
  if (inputs.desiredReplicas < inputs.currentReplicas)
    return scaleDownLimit(inputs.currentReplicas, events, inputs.scaleDown, now);
  return undefined;
}

export function convertDesiredReplicasWithBehaviorRate(
  inputs: RateInputs,
  events: ScaleEvents,
  now: number,
): Limited {
  return applyRateLimit(inputs, policyLimit(inputs, events, now));
}

function longestPeriod(rules: DefaultedScalingRules): number {
  return rules.policies.reduce((longest, p) => Math.max(longest, p.periodSeconds), 0);
}

/**
 * `storeScaleEvent`: what the controller remembers after rescaling from `previous` to `next`.
 * Events older than the direction's longest policy period are marked outdated and the last of
 * them is reused for the new event. Without `behavior` nothing is stored.
 */
export function recordScaleEvent(
  events: ScaleEvents,
  behavior: { scaleUp: DefaultedScalingRules; scaleDown: DefaultedScalingRules } | undefined,
  previous: number,
  next: number,
  now: number,
): ScaleEvents {
  if (behavior === undefined) return events;
  const up = next > previous;
  const rules = up ? behavior.scaleUp : behavior.scaleDown;
  const cutoff = now - longestPeriod(rules) * 1000;
  const list = (up ? events.scaleUp : events.scaleDown).map((e) =>
    e.timestamp < cutoff ? { ...e, outdated: true } : e,
  );
  const entry: ScaleEvent = {
    replicaChange: up ? next - previous : previous - next,
    timestamp: now,
    outdated: false,
  };
  let reuse = -1;
  list.forEach((e, i) => {
    if (e.outdated) reuse = i;
  });
  if (reuse >= 0) list[reuse] = entry;
  else list.push(entry);
  return up ? { scaleUp: list, scaleDown: events.scaleDown } : { scaleUp: events.scaleUp, scaleDown: list };
}
