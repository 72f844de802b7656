/**
 * JSON of the metric value lists the encoder built, written directly instead of through
 * `JSON.stringify`: the HPA's `pods/*\/<metric>` answer over hundreds of pods is the hot path, and
 * writing its known shape costs about half of the generic walk, and the text of an item the
 * handler reuses (see custom-metrics-handler.ts) is written once. The output is byte-for-byte what
 * `JSON.stringify` gives (a property test checks it); any value the encoder did not build, or a
 * `?pretty` request, takes `JSON.stringify` as before.
 */
import { MemoPolicy } from './memo-policy.js';
import type { MetricValueV1beta1, MetricValueV1beta2 } from '../../api/index.js';

type Shape = 'custom-v1beta2' | 'custom-v1beta1';

const encoded = new WeakMap<object, Shape>();

/** Marks a list built by the encoder as safe for {@link serializeEncoded}. */
export function markEncoded<T extends object>(list: T, shape: Shape): T {
  encoded.set(list, shape);
  return list;
}

/** Printable ASCII without `"` and `\`: needs no escaping. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function str(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

function described(ref: MetricValueV1beta2['describedObject']): string {
  let out = `{"kind":${str(ref.kind ?? '')}`;
  if (ref.namespace !== undefined) out += `,"namespace":${str(ref.namespace)}`;
  out += `,"name":${str(ref.name ?? '')},"apiVersion":${str(ref.apiVersion ?? '')}}`;
  return out;
}

/**
 * Text of each item written so far: the handler reuses the wire object of a value the provider
 * returned before (same object, same request shape), so its text is reused too.
 */
const fragments = new WeakMap<object, string>();
const fragmentPolicy = new MemoPolicy();

function remembered(item: object): string | undefined {
  const known = fragments.get(item);
  fragmentPolicy.lookup(known !== undefined);
  return known;
}

function remember(item: object, text: string): string {
  if (fragmentPolicy.writing) fragments.set(item, text);
  return text;
}

function v1beta2(item: MetricValueV1beta2): string {
  const known = remembered(item);
  if (known !== undefined) return known;
  const metric =
    item.metric.selector === undefined
      ? `{"name":${str(item.metric.name)}}`
      : `{"name":${str(item.metric.name)},"selector":${JSON.stringify(item.metric.selector)}}`;
  const window =
    item.windowSeconds === undefined ? '' : `,"windowSeconds":${JSON.stringify(item.windowSeconds)}`;
  const text = `{"describedObject":${described(item.describedObject)},"metric":${metric},"timestamp":${str(item.timestamp)}${window},"value":${str(item.value)}}`;
  return remember(item, text);
}

function v1beta1(item: MetricValueV1beta1): string {
  const known = remembered(item);
  if (known !== undefined) return known;
  const window = item.window === undefined ? '' : `,"window":${JSON.stringify(item.window)}`;
  const text = `{"describedObject":${described(item.describedObject)},"metricName":${str(item.metricName)},"timestamp":${str(item.timestamp)}${window},"value":${str(item.value)},"selector":${JSON.stringify(item.selector)}}`;
  return remember(item, text);
}

/**
 * Whole answers as bytes, by the item array a handler reused (same answer, same request shape):
 * sent as they are, without building or encoding the text again.
 */
const bodies = new WeakMap<readonly unknown[], { apiVersion: string; bytes: Buffer }>();

/** The JSON of `value` (UTF-8) if the encoder built it, otherwise undefined. */
export function serializeEncoded(value: unknown): Buffer | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const shape = encoded.get(value);
  if (shape === undefined) return undefined;
  const list = value as { apiVersion: string; items: readonly unknown[] };
  const known = bodies.get(list.items);
  if (known !== undefined && known.apiVersion === list.apiVersion) return known.bytes;
  const parts: string[] = new Array<string>(list.items.length);
  if (shape === 'custom-v1beta2')
    for (let i = 0; i < parts.length; i++) parts[i] = v1beta2(list.items[i] as MetricValueV1beta2);
  else for (let i = 0; i < parts.length; i++) parts[i] = v1beta1(list.items[i] as MetricValueV1beta1);
  const bytes = Buffer.from(
    `{"kind":"MetricValueList","apiVersion":${str(list.apiVersion)},"metadata":{},"items":[${parts.join(',')}]}`,
  );
  bodies.set(list.items, { apiVersion: list.apiVersion, bytes });
  return bytes;
}
