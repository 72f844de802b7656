import { describe, expect, it } from 'vitest';
import { escapeFieldValue, fieldSelectorFromSet, parseFieldSelector } from './field-selector.js';
import { SelectorError } from './selector-error.js';

// Behaviour of k8s.io/apimachinery pkg/fields/selector.go (ParseSelector, splitTerm, UnescapeValue).
describe('parseFieldSelector', () => {
  const cases: [input: string, canonical: string][] = [
    ['', ''],
    ['a=b', 'a=b'],
    ['a==b', 'a=b'],
    ['a!=b', 'a!=b'],
    ['a=', 'a='],
    ['a=b,', 'a=b'],
    ['a=b,,c=d', 'a=b,c=d'],
    ['z=1,a=2', 'a=2,z=1'],
    [
      'spec.nodeName=n1,status.phase!=Failed,status.phase!=Succeeded',
      'spec.nodeName=n1,status.phase!=Failed,status.phase!=Succeeded',
    ],
    ['a=x\\,y', 'a=x\\,y'],
    ['a=x\\=y\\\\', 'a=x\\=y\\\\'],
    ['a=!b', 'a=!b'],
    [' a = b ', ' a = b '],
  ];
  it.each(cases)('%j → %j', (input, canonical) => {
    expect(parseFieldSelector(input).toString()).toBe(canonical);
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('a=x\\,y\\=z\\\\').requirements).toEqual([
      { field: 'a', operator: '=', value: 'x,y=z\\' },
    ]);
    expect(escapeFieldValue('x,y=z\\')).toBe('x\\,y\\=z\\\\');
  });

  it('splits at the first operator', () => {
    expect(parseFieldSelector('a!=b').requirements).toEqual([{ field: 'a', operator: '!=', value: 'b' }]);
    expect(parseFieldSelector('a==b').requirements).toEqual([{ field: 'a', operator: '==', value: 'b' }]);
  });

  const errors: [input: string, message: RegExp, position: number][] = [
    ['a', /term "a" at position 0 has no '=', '==' or '!='/, 0],
    ['a=b,c', /term "c" at position 4 has no/, 4],
    ['=b', /term "=b" at position 0 has no field name before '='/, 0],
    ['a=b=c', /an unescaped "=" in a value \(write "\\="\) at position 3/, 3],
    ['a==b=c', /an unescaped "="/, 4],
    ['a=b\\', /ends in a lone "\\"/, 3],
    ['a=b\\n', /"\\n" is not an escape sequence/, 3],
  ];
  it.each(errors)('rejects %j', (input, message, position) => {
    let error: unknown;
    try {
      parseFieldSelector(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SelectorError);
    const e = error as SelectorError;
    expect(e.code).toBe('KUBEMETRICS_ERR_SELECTOR');
    expect(e.message).toContain(`invalid field selector "${input}"`);
    expect(e.message).toMatch(message);
    expect(e.position).toBe(position);
  });
});

describe('FieldSelector.matches', () => {
  const pod: Record<string, string> = {
    'metadata.name': 'web-0',
    'spec.nodeName': 'n1',
    'status.phase': 'Running',
  };
  const get = (field: string): string | undefined => pod[field];
  const cases: [selector: string, expected: boolean][] = [
    ['', true],
    ['spec.nodeName=n1', true],
    ['spec.nodeName==n1', true],
    ['spec.nodeName=n2', false],
    ['spec.nodeName!=n2', true],
    ['status.phase!=Failed,status.phase!=Succeeded', true],
    ['status.phase!=Running', false],
    ['spec.missing=', true],
    ['spec.missing!=x', true],
    ['spec.missing=x', false],
  ];
  it.each(cases)('%j → %s', (selector, expected) => {
    expect(parseFieldSelector(selector).matches(get)).toBe(expected);
  });

  it('reports exact matches and builds from a set', () => {
    const selector = parseFieldSelector('metadata.name=x,spec.nodeName!=y');
    expect(selector.exactMatch('metadata.name')).toBe('x');
    expect(selector.exactMatch('spec.nodeName')).toBeUndefined();
    expect(fieldSelectorFromSet({ 'spec.nodeName': 'a,b' }).toString()).toBe('spec.nodeName=a\\,b');
    expect(parseFieldSelector('').isEmpty()).toBe(true);
  });
});
