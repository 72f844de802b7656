/**
 * Wire types (core subset, metrics APIs, discovery, meta/Status), selector parsing/matching and Go
 * durations (`metav1.Duration`).
 */
export * from './meta.js';
export * from './core.js';
export * from './metrics.js';
export * from './discovery.js';
export * from './label-selector.js';
export * from './field-selector.js';
export { formatGoDuration, formatGoDurationNanos, parseGoDuration } from './go-duration.js';
export * from './apiregistration.js';
export * from './service.js';
export * from './rbac.js';
export * from './autoscaling.js';
export * from './apps.js';
