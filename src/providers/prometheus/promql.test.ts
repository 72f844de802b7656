import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../api/index.js';
import { StatusError } from '../../apiserver/index.js';
import {
  batchNames,
  formatMatcher,
  matchersForSelector,
  namesMatcher,
  promqlString,
  regexLiteral,
  type LabelMatcher,
} from './promql.js';

/** Every RE2 metacharacter (Go's regexp.QuoteMeta escapes exactly these). */
const RE2_META = '\\.+*?()|[]{}^$';

/**
 * What Prometheus does with a `=~` matcher: unquote the PromQL string (its escapes are JSON's for
 * the characters promqlString writes) and anchor the regex at both ends.
 */
function prometheusRegex(matcher: LabelMatcher): RegExp {
  const text = formatMatcher(matcher);
  const literal = text.slice(matcher.label.length + matcher.op.length);
  return new RegExp(`^(?:${JSON.parse(literal) as string})$`, 'u');
}

const selector = (text: string) => matchersForSelector(parseLabelSelector(text), 'metricLabelSelector');

function statusErrorOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StatusError);
    return error as StatusError;
  }
  throw new Error('expected a StatusError');
}

describe('promqlString', () => {
  it('quotes plain text', () => {
    expect(promqlString('web-1')).toBe('"web-1"');
    expect(promqlString('')).toBe('""');
  });

  it('escapes quotes, backslashes and newlines', () => {
    expect(promqlString('say "hi"')).toBe('"say \\"hi\\""');
    expect(promqlString('C:\\dir')).toBe('"C:\\\\dir"');
    expect(promqlString('one\ntwo')).toBe('"one\\ntwo"');
    // A backslash before a quote: both escaped, the backslash first (not `\\"` → `\\\\"`).
    expect(promqlString('\\"')).toBe('"\\\\\\""');
    expect(promqlString('end\\')).toBe('"end\\\\"');
  });

  it('leaves characters PromQL strings accept as they are', () => {
    expect(promqlString("it's\tcafé ✓")).toBe('"it\'s\tcafé ✓"');
  });

  it('reads back as the original string (PromQL and JSON agree on these escapes)', () => {
    // JSON.parse refuses raw control characters, which promqlString rightly leaves alone (PromQL
    // accepts all but the newline): the alphabet has none but the newline.
    const text = fc.oneof(
      fc.string({
        unit: fc.constantFrom('"', '\\', '\n', 'n', 'a', ' ', "'", '{', 'é', '🚀'),
        maxLength: 30,
      }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
    );
    fc.assert(
      fc.property(text, (s) => {
        const quoted = promqlString(s);
        expect(quoted).not.toContain('\n');
        expect(JSON.parse(quoted)).toBe(s);
      }),
    );
  });
});

describe('regexLiteral', () => {
  it('escapes every RE2 metacharacter', () => {
    for (const c of RE2_META) expect(regexLiteral(c)).toBe(`\\${c}`);
    expect(regexLiteral(RE2_META)).toBe([...RE2_META].map((c) => `\\${c}`).join(''));
  });

  it('leaves names, dashes and other punctuation alone', () => {
    expect(regexLiteral('web-1')).toBe('web-1');
    expect(regexLiteral('a/b:c_d#e,f=g')).toBe('a/b:c_d#e,f=g');
  });

  it('a dot matches only a dot once inside a Prometheus matcher', () => {
    const matcher: LabelMatcher = { label: 'pod', op: '=~', value: ['a.b', 'c'].map(regexLiteral).join('|') };
    // In the query text the regex backslash is itself escaped for the PromQL string.
    expect(formatMatcher(matcher)).toBe('pod=~"a\\\\.b|c"');
    const re = prometheusRegex(matcher);
    expect(re.test('a.b')).toBe(true);
    expect(re.test('c')).toBe(true);
    expect(re.test('aXb')).toBe(false);
    expect(re.test('a.b|c')).toBe(false);
    expect(re.test('a.bc')).toBe(false);
  });

  it('matches exactly the literal, whatever it holds', () => {
    const value = fc.string({ unit: fc.constantFrom(...'ab.-_\\+*?()|[]{}^$/ '), maxLength: 12 });
    fc.assert(
      fc.property(value, value, (literal, other) => {
        const re = new RegExp(`^(?:${regexLiteral(literal)})$`, 'u');
        expect(re.test(literal)).toBe(true);
        expect(re.test(other)).toBe(other === literal);
      }),
    );
  });
});

describe('matchersForSelector', () => {
  it('turns = and == into equality', () => {
    expect(selector('app=web')).toEqual([{ label: 'app', op: '=', value: 'web' }]);
    expect(selector('app==web')).toEqual([{ label: 'app', op: '=', value: 'web' }]);
  });

  it('turns != into inequality (which also matches series without the label, as in Kubernetes)', () => {
    expect(selector('app!=web')).toEqual([{ label: 'app', op: '!=', value: 'web' }]);
  });

  it('turns in with one value into equality and with several into an escaped regex', () => {
    expect(selector('tier in (db)')).toEqual([{ label: 'tier', op: '=', value: 'db' }]);
    expect(selector('tier in (front.end,db,cache)')).toEqual([
      { label: 'tier', op: '=~', value: 'cache|db|front\\.end' },
    ]);
  });

  it('turns notin into != or !~', () => {
    expect(selector('tier notin (db)')).toEqual([{ label: 'tier', op: '!=', value: 'db' }]);
    expect(selector('tier notin (a.b,c)')).toEqual([{ label: 'tier', op: '!~', value: 'a\\.b|c' }]);
  });

  it('an empty value in a set matches the empty label, as in Kubernetes', () => {
    expect(selector('tier in (,db)')).toEqual([{ label: 'tier', op: '=~', value: '|db' }]);
  });

  it('turns exists and ! into != "" and = ""', () => {
    expect(selector('gpu')).toEqual([{ label: 'gpu', op: '!=', value: '' }]);
    expect(selector('!legacy')).toEqual([{ label: 'legacy', op: '=', value: '' }]);
  });

  it('keeps every requirement, in the selector order', () => {
    const matchers = selector('tier in (a,b),app=web,!legacy');
    expect(matchers.map(formatMatcher).join(',')).toBe('app="web",legacy="",tier=~"a|b"');
  });

  it('gives nothing for the empty selector', () => {
    expect(selector('')).toEqual([]);
  });

  it('rejects > and < with a 400 naming the parameter and the key', () => {
    for (const text of ['replicas>3', 'replicas<3']) {
      const error = statusErrorOf(() => selector(text));
      expect(error.status.code).toBe(400);
      expect(error.message).toContain('metricLabelSelector');
      expect(error.message).toContain('replicas');
      expect(error.message).toContain('PromQL label matchers compare strings');
    }
  });

  it('rejects keys that are not Prometheus label names with a 400 naming the key', () => {
    for (const text of ['app.kubernetes.io/name=web', 'app-name=web', 'example.com/gpu']) {
      const error = statusErrorOf(() => matchersForSelector(parseLabelSelector(text), 'labelSelector'));
      expect(error.status.code).toBe(400);
      expect(error.message).toContain(`labelSelector key "${parseLabelSelector(text).requirements[0]?.key}"`);
      expect(error.message).toContain('not a Prometheus label name');
    }
  });
});

describe('namesMatcher', () => {
  it('matches any object without names', () => {
    expect(namesMatcher('pod', undefined)).toEqual({ label: 'pod', op: '!=', value: '' });
  });

  it('matches one name exactly and several through an escaped regex', () => {
    expect(namesMatcher('pod', ['web-1'])).toEqual({ label: 'pod', op: '=', value: 'web-1' });
    expect(namesMatcher('pod', ['web-1', 'web.2'])).toEqual({
      label: 'pod',
      op: '=~',
      value: 'web-1|web\\.2',
    });
    expect(formatMatcher(namesMatcher('pod', ['web-1', 'web.2']))).toBe('pod=~"web-1|web\\\\.2"');
  });
});

describe('batchNames', () => {
  const joined = (batch: readonly string[]) => batch.map(regexLiteral).join('|');

  it('gives no batch for no names and one batch when everything fits', () => {
    expect(batchNames([], 10)).toEqual([]);
    expect(batchNames(['a', 'b', 'c'], 100)).toEqual([['a', 'b', 'c']]);
  });

  it('respects the bound exactly, separators included', () => {
    // 'aaa|bbb' is 7 characters.
    expect(batchNames(['aaa', 'bbb'], 7)).toEqual([['aaa', 'bbb']]);
    expect(batchNames(['aaa', 'bbb'], 6)).toEqual([['aaa'], ['bbb']]);
  });

  it('counts the escaped length', () => {
    // 'a\.b|c' is 6 characters although 'a.b|c' is 5.
    expect(batchNames(['a.b', 'c'], 5)).toEqual([['a.b'], ['c']]);
    expect(batchNames(['a.b', 'c'], 6)).toEqual([['a.b', 'c']]);
  });

  it('keeps the order', () => {
    const names = ['z', 'b', 'y', 'a', 'x', 'c'];
    expect(batchNames(names, 3)).toEqual([
      ['z', 'b'],
      ['y', 'a'],
      ['x', 'c'],
    ]);
  });

  it('gives a name longer than the bound a batch of its own', () => {
    const long = 'y'.repeat(50);
    expect(batchNames(['x', long, 'z'], 10)).toEqual([['x'], [long], ['z']]);
    expect(batchNames([long], 10)).toEqual([[long]]);
  });

  it('splits every list into full batches under the bound', () => {
    const name = fc.string({ unit: fc.constantFrom(...'abc-.1*|'), minLength: 1, maxLength: 15 });
    fc.assert(
      fc.property(fc.array(name, { maxLength: 40 }), fc.integer({ min: 1, max: 60 }), (names, bound) => {
        const batches = batchNames(names, bound);
        expect(batches.flat()).toEqual(names);
        batches.forEach((batch, i) => {
          expect(batch.length).toBeGreaterThan(0);
          if (batch.length > 1) expect(joined(batch).length).toBeLessThanOrEqual(bound);
          // Greedy: the next batch's first name did not fit in this one.
          const next = batches[i + 1];
          if (next !== undefined) expect(joined([...batch, next[0]!]).length).toBeGreaterThan(bound);
        });
      }),
    );
  });
});
