/**
 * kube-controller-manager's HPA flags with their defaults, and the tolerance band the replica
 * calculator applies (replica_calculator.go `Tolerances.isWithin`).
 */
import { parseQuantity } from '../quantity/index.js';
import { KubemetricsError } from '../errors.js';
import type { DefaultedBehavior } from './spec.js';

export interface ControllerOptions {
  /** `--horizontal-pod-autoscaler-tolerance`: 0.1. */
  readonly tolerance: number;
  /** `--horizontal-pod-autoscaler-cpu-initialization-period`: 5 min, in ms. */
  readonly cpuInitializationPeriodMs: number;
  /** `--horizontal-pod-autoscaler-initial-readiness-delay`: 30 s, in ms. */
  readonly initialReadinessDelayMs: number;
  /** `--horizontal-pod-autoscaler-downscale-stabilization`: 5 min, in seconds. */
  readonly downscaleStabilizationSeconds: number;
  /** The PodLevelResources feature gate (beta, on by default since 1.34). */
  readonly podLevelResources: boolean;
  /** The HPAConfigurableTolerance feature gate: honour `behavior.scale{Up,Down}.tolerance`. */
  readonly configurableTolerance: boolean;
  /**
   * Not a flag: horizontal.go's `scaleUpLimitFactor` (2), the most an HPA without `behavior` may
   * multiply its replicas by in one step. Upstream's controller tests raise it to 8.
   */
  readonly scaleUpLimitFactor: number;
}

export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = Object.freeze({
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  initialReadinessDelayMs: 30_000,
  downscaleStabilizationSeconds: 300,
  podLevelResources: true,
  configurableTolerance: true,
  scaleUpLimitFactor: 2,
});

/** Fills unset options with the controller defaults and rejects impossible values. */
export function controllerOptions(partial: Partial<ControllerOptions> = {}): ControllerOptions {
  const options = { ...DEFAULT_CONTROLLER_OPTIONS, ...partial };
  const nonNegative = (name: keyof ControllerOptions, flag: string): void => {
    const value = options[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_ARGUMENT',
        `${flag} must be a non-negative number, got ${String(value)}`,
      );
    }
  };
  nonNegative('tolerance', 'tolerance');
  nonNegative('cpuInitializationPeriodMs', 'cpu initialization period');
  nonNegative('initialReadinessDelayMs', 'initial readiness delay');
  nonNegative('downscaleStabilizationSeconds', 'downscale stabilization window');
  nonNegative('scaleUpLimitFactor', 'scale-up limit factor');
  return options;
}

/** The band `[1 - scaleDown, 1 + scaleUp]` inside which a usage ratio changes nothing. */
export interface Tolerances {
  readonly scaleDown: number;
  readonly scaleUp: number;
}

export function isWithinTolerance(tolerances: Tolerances, usageRatio: number): boolean {
  return 1.0 - tolerances.scaleDown <= usageRatio && usageRatio <= 1.0 + tolerances.scaleUp;
}

/**
 * The controller's tolerance, replaced per direction by the HPA's `behavior.scaleUp.tolerance` /
 * `behavior.scaleDown.tolerance` when the feature is on (KEP-4951; the quantity is read as an
 * approximate float, like `Quantity.AsApproximateFloat64`).
 */
export function tolerancesFor(
  behavior: DefaultedBehavior | undefined,
  options: ControllerOptions,
): Tolerances {
  const pick = (value: string | undefined, field: string): number => {
    if (!options.configurableTolerance || value === undefined) return options.tolerance;
    const parsed = parseQuantity(value).toNumber();
    if (parsed < 0) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_ARGUMENT',
        `HPA spec.behavior.${field}.tolerance must not be negative, got ${value}`,
      );
    }
    return parsed;
  };
  return {
    scaleDown: pick(behavior?.scaleDown.tolerance, 'scaleDown'),
    scaleUp: pick(behavior?.scaleUp.tolerance, 'scaleUp'),
  };
}
