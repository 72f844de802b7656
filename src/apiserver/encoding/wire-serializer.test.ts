import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../quantity/index.js';
import { encodeMetricValueList } from './wire-encoding.js';
import type { CustomMetricItem } from './wire-encoding.js';
import { serializeEncoded } from './wire-serializer.js';

const text = fc.oneof(
  fc.string(),
  fc.constantFrom('web-1', 'Pod', 'v1', 'apps/v1', 'a"b', 'back\\slash', 'é', '\u0000\n'),
);
const item: fc.Arbitrary<CustomMetricItem> = fc.record({
  describedObject: fc.record({
    kind: text,
    apiVersion: text,
    namespace: fc.oneof(fc.constant(''), text),
    name: text,
  }),
  metric: text,
  metricSelector: fc.option(
    fc.record({ matchLabels: fc.dictionary(fc.string(), fc.string()) }, { requiredKeys: [] }),
    { nil: undefined },
  ),
  timestamp: fc.date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true }),
  windowSeconds: fc.option(fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e6, noNaN: true })), {
    nil: undefined,
  }),
  value: fc
    .constantFrom('0', '250m', '1.5', '128Mi', '1e3', '12345678901234567890n')
    .map((q) => parseQuantity(q)),
});

describe('serializeEncoded', () => {
  it('writes exactly what JSON.stringify writes, for v1beta2 and v1beta1 lists', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('v1beta1', 'v1beta2' as const),
        fc.array(item, { maxLength: 8 }),
        (version, items) => {
          const list = encodeMetricValueList(version, items);
          expect(serializeEncoded(list)?.toString('utf8')).toBe(JSON.stringify(list));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves other values to JSON.stringify', () => {
    expect(serializeEncoded({ kind: 'MetricValueList', items: [] })).toBeUndefined();
    expect(serializeEncoded(null)).toBeUndefined();
  });
});
