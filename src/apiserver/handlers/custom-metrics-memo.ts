/**
 * What the custom-metrics handler remembers between requests, one per server (so two servers in
 * one process never answer from each other's memory, and a stopped server's memory goes with it).
 *
 * A provider that keeps its values (the memory provider, a cache refreshed per scrape) returns the
 * same objects request after request, and the HPA asks the same question every 15 s. Values are
 * immutable by contract (provider.ts), so an object seen before with the same request shape
 * (version, resource, namespace, metric, metric selector, and — for values without a timestamp —
 * the same second) reuses its encoding, validation included. All maps are WeakMaps keyed by the
 * provider's (or lister's) own objects: nothing is kept alive for them.
 */
import type { MetricValueV1beta1, MetricValueV1beta2 } from '../../api/index.js';
import { MemoPolicy } from '../encoding/memo-policy.js';

type EncodedValue = MetricValueV1beta1 | MetricValueV1beta2;

export class CustomMetricsMemo {
  /** The wire form of each value object, with the request shape it was encoded for. */
  readonly values = new WeakMap<object, { key: string; item: EncodedValue }>();
  /** Stops writing `values` for providers that never return a value object twice. */
  readonly valuePolicy = new MemoPolicy();
  /** Names of listed objects, by the identity of the lister's answer (listers may reuse answers). */
  readonly listedNames = new WeakMap<readonly unknown[], string[]>();
  /**
   * Encoded items by the identity of the provider's answer, for the same names and request shape:
   * a provider that returns the same array for the same question is answered without walking it.
   */
  readonly answers = new WeakMap<
    readonly unknown[],
    { key: string; names: readonly string[] | undefined; items: EncodedValue[] }
  >();
}
