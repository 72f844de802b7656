import { describe, expect, it } from 'vitest';
import { KubemetricsError } from '../errors.js';
import {
  SelectorError,
  labelKeyProblems,
  labelSelectorFromSet,
  labelSelectorFromWire,
  labelSelectorToWire,
  labelValueProblems,
  parseLabelSelector,
} from './label-selector.js';

// Cases follow the grammar of k8s.io/apimachinery pkg/labels/selector.go (TestSelectorParse,
// TestLexer, TestRequirementConstructor) restated in our own table.
describe('parseLabelSelector: canonical form', () => {
  const cases: [input: string, canonical: string][] = [
    ['', ''],
    ['   ', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['x=', 'x='],
    ['x=,z=', 'x=,z='],
    ['x', 'x'],
    ['!x', '!x'],
    [' ! x ', '!x'],
    ['x in (a,b)', 'x in (a,b)'],
    ['x in(b,a,b)', 'x in (a,b)'],
    ['x  in  ( a , b )', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,)', 'x in (,a)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['x>1', 'x>1'],
    ['x < 10', 'x<10'],
    ['z=b,a=c', 'a=c,z=b'],
    ['\tx=a,\ny!=b\r', 'x=a,y!=b'],
    ['app.kubernetes.io/name=web', 'app.kubernetes.io/name=web'],
    ['in=notin', 'in=notin'],
    ['in in (in, notin)', 'in in (in,notin)'],
    ['x=a,x!=b', 'x=a,x!=b'],
    ['x,!y,z in (1)', 'x,!y,z in (1)'],
  ];
  it.each(cases)('%j → %j', (input, canonical) => {
    expect(parseLabelSelector(input).toString()).toBe(canonical);
  });

  it('keeps structured requirements', () => {
    expect(parseLabelSelector('b notin (y,x), !a, c>3').requirements).toEqual([
      { key: 'a', operator: '!', values: [] },
      { key: 'b', operator: 'notin', values: ['x', 'y'] },
      { key: 'c', operator: 'gt', values: ['3'] },
    ]);
    expect(parseLabelSelector('').isEmpty()).toBe(true);
    expect(parseLabelSelector('a').isEmpty()).toBe(false);
  });
});

describe('parseLabelSelector: errors name the input, position and what was expected', () => {
  const cases: [input: string, message: RegExp, position: number | undefined][] = [
    ['x=a b', /"x=a b": at position 4 found 'b', expected ',' or end of string/, 4],
    ['x in a', /at position 5 found 'a', expected '\('/, 5],
    ['x in (a', /at position 7 found end of string, expected ',' or '\)'/, 7],
    ['x in (a b)', /at position 8 found 'b', expected ',' or '\)'/, 8],
    ['x in (=)', /at position 6 found '=', expected a label value, ',' or '\)'/, 6],
    ['x=a,', /at position 4 found end of string, expected '!' or a label key after ','/, 4],
    ['x=a,,y', /at position 4 found ',', expected '!' or a label key after ','/, 4],
    [',x', /at position 0 found ',', expected '!', a label key or end of string/, 0],
    ['=a', /at position 0 found '=', expected '!', a label key/, 0],
    ['!', /at position 1 found end of string, expected a label key/, 1],
    ['!x=a', /at position 2 found '=', expected ',' or end of string/, 2],
    ['x (a)', /at position 2 found '\(', expected 'in', 'notin', '=', '==', '!=', '>' or '<'/, 2],
    ['x=(a)', /at position 2 found '\(', expected a label value/, 2],
    ['x>a', /value "a" for key "x" at position 2: the '>' operator needs an integer value/, 2],
    ['x<', /value "" for key "x" at position 2: the '<' operator needs an integer value/, 2],
    ['x>-1', /value "-1" for key "x" at position 2: a value must be empty or consist of alphanumerics/, 2],
    ['-x=a', /label key "-x" at position 0: the name part must consist of alphanumerics/, 0],
    ['a/b/c', /label key "a\/b\/c" at position 0: a key may contain at most one "\/"/, 0],
    ['/x', /label key "\/x" at position 0: the prefix before "\/" must not be empty/, 0],
    ['Ex.com/x', /the prefix before "\/" must be a DNS subdomain/, 0],
    ['ex.com/', /the name part must not be empty/, 0],
    [`${'k'.repeat(64)}`, /the name part must be at most 63 characters/, 0],
    [
      `x=${'v'.repeat(64)}`,
      /value "v{64}" for key "x" at position 2: a value must be at most 63 characters/,
      2,
    ],
    ['x=a_', /value "a_" for key "x"/, 2],
  ];
  it.each(cases)('%j', (input, message, position) => {
    let error: unknown;
    try {
      parseLabelSelector(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SelectorError);
    expect(error).toBeInstanceOf(KubemetricsError);
    const selectorError = error as SelectorError;
    expect(selectorError.code).toBe('KUBEMETRICS_ERR_SELECTOR');
    expect(selectorError.message).toContain(`invalid label selector "${input}"`);
    expect(selectorError.message).toMatch(message);
    expect(selectorError.selector).toBe(input);
    expect(selectorError.position).toBe(position);
    expect(selectorError.hint).toBeDefined();
  });
});

describe('LabelSelector.matches (semantics of apimachinery Requirement.Matches)', () => {
  const labels = { app: 'web', tier: 'frontend', replicas: '3', empty: '' };
  const cases: [selector: string, expected: boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['missing=x', false],
    ['missing=', false],
    ['empty=', true],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app in (db)', false],
    ['missing in (x)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['replicas>2', true],
    ['replicas>3', false],
    ['replicas<4', true],
    ['app>1', false],
    ['missing<1', false],
    ['app=web,tier=frontend', true],
    ['app=web,tier=backend', false],
    ['constructor', false],
    ['toString!=x', true],
  ];
  it.each(cases)('%j → %s', (selector, expected) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(expected);
  });

  it('treats undefined labels as the empty set', () => {
    expect(parseLabelSelector('!a,b!=c,d notin (e)').matches(undefined)).toBe(true);
    expect(parseLabelSelector('a').matches(undefined)).toBe(false);
  });
});

describe('wire form (metav1.LabelSelector)', () => {
  it('converts matchLabels and matchExpressions', () => {
    const selector = labelSelectorFromWire({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'gpu', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(selector.toString()).toBe('app=web,env notin (dev),gpu,!legacy,tier in (a,b)');
    expect(selector.matches({ app: 'web', tier: 'a', gpu: '1' })).toBe(true);
    expect(selector.matches({ app: 'web', tier: 'a' })).toBe(false);
    expect(labelSelectorFromWire({}).isEmpty()).toBe(true);
  });

  it('round-trips through labelSelectorToWire', () => {
    const selector = parseLabelSelector('a=1,b!=2,c in (3,4),d notin (5),e,!f,g==7');
    expect(labelSelectorToWire(selector)).toEqual({
      matchLabels: { a: '1', g: '7' },
      matchExpressions: [
        { key: 'b', operator: 'NotIn', values: ['2'] },
        { key: 'c', operator: 'In', values: ['3', '4'] },
        { key: 'd', operator: 'NotIn', values: ['5'] },
        { key: 'e', operator: 'Exists' },
        { key: 'f', operator: 'DoesNotExist' },
      ],
    });
    const back = labelSelectorFromWire(labelSelectorToWire(selector));
    const samples: Record<string, string>[] = [
      { a: '1', c: '3', e: '' },
      { a: '1', b: '2', c: '3', e: '' },
      { a: '2' },
    ];
    for (const labels of samples) {
      expect(back.matches(labels)).toBe(selector.matches(labels));
    }
    expect(labelSelectorToWire(parseLabelSelector('a=1,a=2'))).toEqual({
      matchExpressions: [
        { key: 'a', operator: 'In', values: ['1'] },
        { key: 'a', operator: 'In', values: ['2'] },
      ],
    });
  });

  it('rejects what the structured form cannot hold or apimachinery rejects', () => {
    expect(() => labelSelectorToWire(parseLabelSelector('a>1'))).toThrow(/cannot be written as matchLabels/);
    const bad: [unknown, RegExp][] = [
      [
        { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
        /In for key "a" needs at least one value/,
      ],
      [
        { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
        /Exists for key "a" takes no values/,
      ],
      [
        { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
        /"Gt" is not a label selector operator/,
      ],
      [{ matchLabels: { 'a b': 'x' } }, /label key "a b"/],
      [{ matchLabels: { a: 'x y' } }, /value "x y" for key "a"/],
    ];
    for (const [wire, message] of bad) {
      expect(() => labelSelectorFromWire(wire as never)).toThrow(message);
      expect(() => labelSelectorFromWire(wire as never)).toThrow(SelectorError);
    }
  });

  it('builds a selector from a label set', () => {
    expect(labelSelectorFromSet({ b: '2', a: '1' }).toString()).toBe('a=1,b=2');
  });
});

describe('key and value validation', () => {
  it.each([
    ['a', true],
    ['A.b-c_d', true],
    ['example.com/name', true],
    ['kubernetes.io/hostname', true],
    [`${'a'.repeat(253)}/x`, true],
    [`${'a'.repeat(254)}/x`, false],
    ['a-', false],
    ['', false],
  ])('key %j valid=%s', (key, valid) => {
    expect(labelKeyProblems(key).length === 0).toBe(valid);
  });
  it.each([
    ['', true],
    ['a', true],
    ['a.b_c-d', true],
    ['v'.repeat(63), true],
    ['v'.repeat(64), false],
    ['-a', false],
    ['a b', false],
  ])('value %j valid=%s', (value, valid) => {
    expect(labelValueProblems(value).length === 0).toBe(valid);
  });
});
