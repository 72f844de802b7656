import { describe, expect, it } from 'vitest';
import { JsonArrayStream } from './json-array-stream.js';

/** A list with objects outside `items` (before and after), strings holding brackets and quotes. */
const LIST =
  '{"kind":"NodeMetricsList","metadata":{"items":[{"x":1}]},"items":[' +
  '{"metadata":{"name":"a\\"[{"},"usage":{"cpu":"1"}},null,{"metadata":{"name":"b"}}' +
  '],"after":[{"y":2}]}';
const EXPECTED = [{ metadata: { name: 'a"[{' }, usage: { cpu: '1' } }, { metadata: { name: 'b' } }];
if (
  JSON.stringify((JSON.parse(LIST) as { items: unknown[] }).items.filter(Boolean)) !==
  JSON.stringify(EXPECTED)
) {
  throw new Error('the fixture LIST is not the JSON the tests assume');
}

function read(chunks: readonly string[], wholeBelow: number): object[] {
  const items: object[] = [];
  const parser = new JsonArrayStream('items', (item) => items.push(item), 'the list', { wholeBelow });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  expect(parser.count).toBe(items.length);
  return items;
}

function failure(chunks: readonly string[], wholeBelow: number): string {
  try {
    read(chunks, wholeBelow);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('JsonArrayStream with wholeBelow (one JSON.parse for short bodies)', () => {
  it('gives the same items whether held whole, scanned, or switched to scanning mid-body', () => {
    for (const wholeBelow of [0, 1, 17, LIST.length, LIST.length + 1, 1 << 20]) {
      for (let i = 0; i <= LIST.length; i++) {
        expect(read([LIST.slice(0, i), LIST.slice(i)], wholeBelow), `${wholeBelow} split ${i}`).toEqual(
          EXPECTED,
        );
      }
    }
  });

  it('holds items until end() while the body is short, streams them once it is not', () => {
    const seen: object[] = [];
    const held = new JsonArrayStream('items', (item) => seen.push(item), 'the list', { wholeBelow: 1000 });
    held.push('{"items":[{"a":1},{"b"');
    expect(seen).toEqual([]);
    held.push(':2}]}');
    held.end();
    expect(seen).toEqual([{ a: 1 }, { b: 2 }]);

    seen.length = 0;
    const streamed = new JsonArrayStream('items', (item) => seen.push(item), 'the list', { wholeBelow: 8 });
    streamed.push('{"items":[{"a":1},{"b"');
    expect(seen).toEqual([{ a: 1 }]);
  });

  it('reports a cut-off, empty or non-object body with the same error either way', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"items":[{"a":1}', /ended in the middle of the JSON document/],
      ['{"items":[{"a":"x', /ended in the middle of the JSON document/],
      ['', /the list is not a JSON object/],
      ['[{"a":1}]', /the list is not a JSON object/],
      ['"text"', /the list is not a JSON object/],
      ['<html>502</html>', /the list is not a JSON object/],
    ];
    for (const [body, error] of cases) {
      expect(failure([body], 1 << 20), `held: ${body}`).toMatch(error);
      expect(failure([body], 0), `scanned: ${body}`).toMatch(error);
    }
  });

  it('reads a body without the array as no items', () => {
    expect(read(['{"kind":"Status","items":null}'], 1 << 20)).toEqual([]);
    expect(read(['{"kind":"Status","items":null}'], 0)).toEqual([]);
  });
});
