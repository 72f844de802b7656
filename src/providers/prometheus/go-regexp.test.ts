import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KubemetricsError } from '../../errors.js';
import { GoRegexpError, compileGoRegexp, expandGoTemplate, subexpNames } from './go-regexp.js';

// Expected matches, submatches and expansions were checked against Go's regexp package
// (FindStringSubmatchIndex + ExpandString) on the same inputs.

function exec(pattern: string, input: string): RegExpExecArray {
  const match = compileGoRegexp(pattern).exec(input);
  if (match === null) throw new Error(`${pattern} does not match ${JSON.stringify(input)}`);
  return match;
}

function expand(pattern: string, input: string, template: string): string {
  return expandGoTemplate(template, exec(pattern, input));
}

function compileError(pattern: string): GoRegexpError {
  try {
    compileGoRegexp(pattern);
  } catch (error) {
    expect(error).toBeInstanceOf(GoRegexpError);
    return error as GoRegexpError;
  }
  throw new Error(`expected ${JSON.stringify(pattern)} not to compile`);
}

describe('compileGoRegexp: prometheus-adapter rules', () => {
  const cases: [pattern: string, input: string, groups: (string | undefined)[] | null][] = [
    [
      '^container_(.*)_seconds_total$',
      'container_cpu_usage_seconds_total',
      ['container_cpu_usage_seconds_total', 'cpu_usage'],
    ],
    ['^container_(.*)_seconds_total$', 'container_x_total', null],
    ['^container_(.*)_seconds_total$', 'xcontainer_a_seconds_total', null],
    ['^container_(.*)_total$', 'container_fs_reads_total', ['container_fs_reads_total', 'fs_reads']],
    ['^(.*)_total$', 'http_requests_total', ['http_requests_total', 'http_requests']],
    ['^(.*)_total$', 'total', null],
    ['.*_total$', 'a_total', ['a_total']],
    ['.*_total$', 'a_total_x', null],
    ['^container_.*', 'container_x', ['container_x']],
    ['^container_.*', 'xcontainer_', null],
    ['^kube_adapter_metric_(.+)$', 'kube_adapter_metric_foo', ['kube_adapter_metric_foo', 'foo']],
    ['^kube_adapter_metric_(.+)$', 'kube_adapter_metric_', null],
    ['^(.*)_seconds_total$', 'node_cpu_seconds_total', ['node_cpu_seconds_total', 'node_cpu']],
    ['(?P<group>.+?)_(?P<resource>.+?)', 'apps_deployment', ['apps_d', 'apps', 'd']],
    ['(?P<group>.+?)_(?P<resource>.+?)', 'nounderscore', null],
    // unanchored, like Go's MatchString
    ['_total', 'http_requests_total_x', ['_total']],
  ];
  it.each(cases)('%s on %j', (pattern, input, groups) => {
    const match = compileGoRegexp(pattern).exec(input);
    expect(match === null ? null : [...match]).toEqual(groups);
  });

  it('expands the "as" templates of the adapter docs', () => {
    expect(
      expand('^container_(.*)_seconds_total$', 'container_cpu_usage_seconds_total', '${1}_per_second'),
    ).toBe('cpu_usage_per_second');
    expect(expand('^kube_adapter_metric_(.+)$', 'kube_adapter_metric_foo', '${1}')).toBe('foo');
    expect(expand('^(.*)_total$', 'http_requests_total', '$1')).toBe('http_requests');
    expect(expand('(?P<group>.+?)_(?P<resource>.+?)', 'apps_deployment', '$group/${resource}')).toBe(
      'apps/d',
    );
  });

  it('compiles without the g flag (exec and test keep no lastIndex state)', () => {
    const re = compileGoRegexp('^(.*)_total$');
    expect(re.flags).toBe('u');
    expect(re.test('a_total')).toBe(true);
    expect(re.test('a_total')).toBe(true);
    expect(compileGoRegexp('(?i)^a').flags).toBe('iu');
  });
});

describe('compileGoRegexp: Go semantics where JS differs', () => {
  const cases: [pattern: string, input: string, match: string | null][] = [
    // . is any character but \n (JS's . also refuses \r), by code point
    ['a.c', 'a\rc', 'a\rc'],
    ['a.c', 'a\nc', null],
    ['a.c', 'a\u2028c', 'a\u2028c'],
    ['^.$', '😀', '😀'],
    ['(?s)a.c', 'a\nc', 'a\nc'],
    // $ without m is the end of the text only (like \z)
    ['^a$', 'a\n', null],
    // (?m): only \n ends a line
    ['(?m)^b$', 'a\nb\nc', 'b'],
    ['(?m)^b$', 'a\rb\rc', null],
    ['(?m)^b$', 'b', 'b'],
    ['(?m:^b$)|c', 'a\nb', 'b'],
    ['(?m)\\Ab', 'a\nb', null],
    ['(?m)b\\z', 'b\nc', null],
    ['\\Aab\\z', 'ab', 'ab'],
    ['\\Aab\\z', 'ab\n', null],
    // \s is [\t\n\f\r ] (no \v, no Unicode spaces); [[:space:]] has \v
    ['\\s+', 'a\t b', '\t '],
    ['\\s', 'a\vb', null],
    ['\\s', 'a\u00a0b', null],
    ['[\\s]+', 'a\t b', '\t '],
    ['[[:space:]]+', 'a\vb', '\v'],
    ['\\S+', ' a\u00a0b ', 'a\u00a0b'],
    ['[\\S]+', ' a\u00a0b ', 'a\u00a0b'],
    // POSIX classes
    ['[[:alpha:]]+', '12abC9', 'abC'],
    ['[[:digit:]]+', 'ab123c', '123'],
    ['[[:alnum:]]+', '--ab12--', 'ab12'],
    ['[[:upper:]][[:lower:]]+', 'xHello', 'Hello'],
    ['[[:lower:]]+', 'ABcdE', 'cd'],
    ['[[:punct:]]+', 'ab!-/:@[`{~cd', '!-/:@[`{~'],
    ['[[:word:]]+', '-a_1-', 'a_1'],
    ['[[:xdigit:]]+', 'xyzDEADbeefg', 'DEADbeef'],
    ['[[:^alpha:]]+', 'ab12-cd', '12-'],
    ['[[:ascii:]]+', 'é-a', '-a'],
    ['[[:blank:]]+', 'a \tb', ' \t'],
    ['[[:cntrl:]]+', 'a\x01\x7fb', '\x01\x7f'],
    ['[[:graph:]]+', ' a~ ', 'a~'],
    ['[[:print:]]+', '\x01a b\x02', 'a b'],
    // case folding as Go does it, negation after folding
    ['(?i)k', '\u212a', '\u212a'],
    ['(?i)HTTP_(.*)', 'http_requests', 'http_requests'],
    ['(?i:abc)', 'xABC', 'ABC'],
    ['(?i)[[:upper:]]+', '12abCſK3', 'abCſK'],
    ['(?i)[[:^upper:]]+', 'AB12ab-ſK', '12'],
    ['(?i)[^a-z]+', 'AB12ab', '12'],
    ['(?i)\\W+', 'ab-ſ-K-cd', '-'],
    ['(?i)[^\\W]+', '--ſK--', 'ſK'],
    ['(?i)\\P{Lu}+', 'ABab12', '12'],
    ['(?i)[^a\\P{Lu}]+', '1abcDE2', 'bcDE'],
    // Unicode classes: categories, scripts, Any; Go's C has no unassigned code points
    ['\\pL+', '12héllo3', 'héllo'],
    ['\\p{Greek}+', 'abαβγd', 'αβγ'],
    ['\\PL+', 'ab12-c', '12-'],
    ['\\p{^Greek}+', 'αβab', 'ab'],
    ['[\\p{Greek}\\d]+', 'xα1β2y', 'α1β2'],
    ['[^\\pL]+', 'ab12-c', '12-'],
    ['[a\\PL]+', 'bba1-2c', 'a1-2'],
    ['[^a\\PL]+', '1abcd2', 'bcd'],
    ['\\pC', 'a\x01', '\x01'],
    ['\\pC', 'a\u{E0080}', null],
    ['\\PC', '\u{E0080}', '\u{E0080}'],
    ['\\p{Any}+', 'ab\nc', 'ab\nc'],
    ['\\pZ', 'a\u00a0', '\u00a0'],
    // \Q...\E, octal, hex and punctuation escapes
    ['\\Qa.b*c\\E+', 'a.b*cc', 'a.b*cc'],
    ['\\Qa.b*c\\E', 'aXbc', null],
    ['\\Qa.b', 'a.b', 'a.b'],
    ['\\12\\0\\101\\x41\\x{42}\\-\\.', '\n\0AAB-.', '\n\0AAB-.'],
    ['a\\ b\\#\\<\\>', 'a b#<>', 'a b#<>'],
    // braces that are not a repeat, and lone ] and }, are literals
    ['a{,2}', 'a{,2}', 'a{,2}'],
    ['a{x}|}|]', '}', '}'],
    ['a{2}b{1,}c{1,2}', 'aabbbcc', 'aabbbcc'],
    ['a*?', 'aaa', ''],
    ['a+?b??', 'aab', 'a'],
    ['^*a', 'a', 'a'],
    ['x\\b*', 'x', 'x'],
    // brackets: ] first is literal, - first or last is literal
    ['[]a]+', ']a]', ']a]'],
    ['[^]a]+', ']xy', 'xy'],
    ['[a-]+', '-a-', '-a-'],
    ['[\\d-z]+', '1-z', '1-z'],
    ['[\\^\\]\\[\\-\\\\]+', '^][-\\', '^][-\\'],
    ['[😀-😂]', '😁', '😁'],
    ['é+', 'ééé', 'ééé'],
    ['/a/', '/a/', '/a/'],
    ['(?)a', 'a', 'a'],
    ['(?i)a(?i)b', 'AB', 'AB'],
    ['(?s)(?i)a.b', 'A\nB', 'A\nB'],
    ['(?i)(?i:a)', 'A', 'A'],
    // anchors have no case, so a global (?i) may follow them
    ['^(?i)http_(.*)$', 'HTTP_x', 'HTTP_x'],
    ['\\b(?i)x', 'X', 'X'],
    ['(?U-U)a*', 'aa', 'aa'],
    ['(a{100}){10}', 'b', null],
    ['((a{1000}){0}){5}', 'b', ''],
  ];
  it.each(cases)('%j on %j', (pattern, input, match) => {
    expect(compileGoRegexp(pattern).exec(input)?.[0] ?? null).toBe(match);
  });

  it('uses the u flag so that escapes like \\- and \\. outside brackets still work', () => {
    const re = compileGoRegexp('^a\\-b\\.c$');
    expect(re.flags).toContain('u');
    expect(re.test('a-b.c')).toBe(true);
    expect(re.test('a-bxc')).toBe(false);
  });

  it('matches a \\Q...\\E-quoted string exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((text) => !text.includes('\\E')),
        (text) => compileGoRegexp(`^\\Q${text}\\E$`).test(text),
      ),
    );
  });
});

describe('subexpNames', () => {
  const cases: [pattern: string, names: string[]][] = [
    ['^(.*)_total$', ['', '']],
    ['.*_total$', ['']],
    ['(?P<group>.+?)_(?P<resource>.+?)', ['', 'group', 'resource']],
    ['(?<group>a)(b)(?:c)(?s:)', ['', 'group', '']],
    ['(?P<a>x)|(?P<a>y)', ['', 'a', 'a']],
    ['(?P<1x>a)(?P<01>b)', ['', '1x', '01']],
    ['[(](a)\\(', ['', '']],
    ['(?m)^(a)$', ['', '']],
  ];
  it.each(cases)('%s', (pattern, names) => {
    expect(subexpNames(compileGoRegexp(pattern))).toEqual(names);
  });

  it('counts groups of a RegExp made elsewhere from its source', () => {
    expect(subexpNames(/(a)(?<n>b)(?:c)(?=d)(?<!e)[(]\(/)).toEqual(['', '', 'n']);
  });
});

describe('expandGoTemplate (Go Regexp.ExpandString)', () => {
  const pattern = '^container_(.*)_seconds_total$';
  const input = 'container_cpu_usage_seconds_total';
  const cases: [template: string, expanded: string][] = [
    ['$1', 'cpu_usage'],
    ['${1}', 'cpu_usage'],
    ['$0', input],
    ['${0}x', `${input}x`],
    ['${1}_per_second', 'cpu_usage_per_second'],
    // The name is the longest run of letters, digits and _: group "1_per_second" does not exist.
    ['$1_per_second', ''],
    ['$$', '$'],
    ['$$1', '$1'],
    // A $ without a valid name after it is copied.
    ['$', '$'],
    ['a$', 'a$'],
    ['${', '${'],
    ['${1', '${1'],
    ['$-', '$-'],
    ['${}', '${}'],
    // Out-of-range groups, leading zeros (a name, not a number) and 10^8 (also a name) are empty.
    ['$2', ''],
    ['$10', ''],
    ['$01', ''],
    ['${00}', ''],
    ['$99999999', ''],
    ['$100000000', ''],
    ['rate: $1.', 'rate: cpu_usage.'],
    ['', ''],
    ['no dollar', 'no dollar'],
  ];
  it.each(cases)('%j', (template, expanded) => {
    expect(expand(pattern, input, template)).toBe(expanded);
  });

  const named: [pattern: string, input: string, template: string, expanded: string][] = [
    ['(?P<group>.+?)_(?P<resource>.+?)', 'apps_deployment', '$group', 'apps'],
    ['(?P<group>.+?)_(?P<resource>.+?)', 'apps_deployment', '${resource}', 'd'],
    ['(?P<group>.+?)_(?P<resource>.+?)', 'apps_deployment', '$group.$resource', 'apps.d'],
    ['(?P<group>.+?)_(?P<resource>.+?)', 'apps_deployment', '${group}s', 'appss'],
    ['(?P<group>.+?)_(?P<resource>.+?)', 'apps_deployment', '$groups', ''],
    ['(?P<group>.+?)_(?P<resource>.+?)', 'apps_deployment', '$1/$2', 'apps/d'],
    ['(?<name>[a-z]+)', '123abc', '<$name>', '<abc>'],
    // Repeated names: the first group of that name that took part in the match.
    ['(?P<a>x)|(?P<a>y)', 'y', '$a', 'y'],
    ['(?P<a>x)|(?P<a>y)', 'x', '${a}', 'x'],
    // Names Go allows and JS does not: starting with a digit.
    ['(?P<1x>a)(?P<01>b)', 'ab', '$1x $01 $1 $2', 'a b a b'],
    // Unmatched groups expand to ''.
    ['(a)|b', 'b', '[$1]', '[]'],
    ['(?P<x>a)?b', 'b', '[$x]', '[]'],
    ['(?P<a>x)(?P<b>y)?', 'x', '$a|$b|${a}${b}|$a_x|${a}_x', 'x||x||x_x'],
    // Unicode letters and digits belong to names.
    ['(a)', 'a', '$１|$a|${0}', '||a'],
  ];
  it.each(named)('%s on %j: %j', (re, text, template, expanded) => {
    expect(expand(re, text, template)).toBe(expanded);
  });
});

describe('compileGoRegexp: rejected', () => {
  const cases: [pattern: string, offset: number, message: RegExp][] = [
    // JS would accept these and match something else; Go rejects them.
    [
      '(?=a)',
      0,
      /lookahead \(\?=\.\.\.\) is not valid in Go \(RE2\) regular expressions, which prometheus-adapter uses/,
    ],
    ['(?!a)', 0, /negative lookahead .* not valid in Go \(RE2\)/],
    ['x(?<=a)b', 1, /lookbehind \(\?<=\.\.\.\) is not valid in Go \(RE2\)/],
    ['(?<!a)b', 0, /negative lookbehind .* not valid in Go \(RE2\)/],
    ['(a)\\1', 3, /backreference \\1 is not valid in Go \(RE2\)/],
    ['(a)\\9', 3, /backreference \\9 is not valid in Go \(RE2\)/],
    ['(?P<n>a)\\k<n>', 8, /named backreference \\k is not valid in Go/],
    ['(?P<n>a)(?P=n)', 8, /named backreference \(\?P=name\) is not valid in Go/],
    ['a*+', 1, /possessive quantifier \*\+ is not valid in Go \(RE2\)/],
    ['a++', 1, /possessive quantifier \+\+ is not valid in Go/],
    ['a{2}+', 1, /possessive quantifier \{2\}\+ is not valid/],
    ['(?>a)', 0, /atomic group \(\?>\.\.\.\) is not valid in Go/],
    ['(?#c)a', 0, /comment group .* not valid in Go/],
    ['a\\Z', 1, /\\Z is not valid in Go .*; use \\z/],
    ['\\u0041', 0, /invalid escape \\u: not valid in Go \(RE2\)/],
    ['\\cA', 0, /invalid escape \\c: not valid in Go/],
    ['\\8', 0, /backreference \\8 is not valid/],
    ['\\é', 0, /invalid escape \\é/],
    // flags that a Node 20 RegExp cannot scope
    [
      'a(?i)b',
      1,
      /case-insensitivity can only be set for the whole pattern, with \(\?i\) at its very start: Node 20/,
    ],
    ['x(?i)', 1, /case-insensitivity can only be set for the whole pattern/],
    ['(?:(?i)a)', 3, /case-insensitivity can only be set for the whole pattern/],
    ['(?i)a(?-i)b', 5, /case-insensitivity can only be set for the whole pattern/],
    [
      '(?i:a)b',
      0,
      /\(\?i:\.\.\.\) must cover the whole pattern: Node 20 RegExps have no scoped case-insensitivity/,
    ],
    ['(?U)a*', 0, /\(\?U\) ungreedy mode is not supported here; write the lazy forms/],
    // Go syntax errors
    ['(?-)a', 0, /invalid or unsupported Perl syntax \(\?-/],
    ['(?x)a', 0, /invalid or unsupported Perl syntax \(\?x/],
    ['(a', 0, /missing closing \)/],
    ['a)', 1, /unexpected \) with no group open/],
    ['[a', 0, /missing closing \]/],
    ['[z-a]', 1, /invalid character class range z-a/],
    ['[[:foo:]]', 1, /invalid character class range \[:foo:\]; Go knows alnum, alpha/],
    ['[a-\\d]', 3, /invalid escape \\d/],
    ['[\\b]', 1, /invalid escape \\b inside \[\.\.\.\]/],
    ['\\p{Foo}', 0, /unknown Unicode class \\p\{Foo\}/],
    ['\\p{ASCII}', 0, /unknown Unicode class/],
    ['\\p{Grek', 0, /invalid character class range/],
    ['a\\', 1, /trailing backslash at end of expression/],
    ['\\x{110000}', 0, /invalid escape sequence/],
    ['\\xZ1', 0, /invalid escape sequence/],
    ['(?P<>a)', 0, /invalid named capture/],
    ['(?P<a-b>a)', 0, /invalid named capture/],
    ['(?P<名>x)', 0, /invalid named capture/],
    ['(?P<name', 0, /invalid named capture: missing >/],
    ['a**', 1, /invalid nested repetition operator \*\*/],
    ['a*??', 1, /invalid nested repetition operator \*\?\?/],
    ['a{2}{3}', 1, /invalid nested repetition operator \{2\}\{3\}/],
    ['*a', 0, /missing argument to repetition operator \*/],
    ['(?i)*', 4, /missing argument to repetition operator/],
    ['a|*', 2, /missing argument to repetition operator/],
    ['a{1001}', 1, /invalid repeat count \{1001\} \(Go allows at most 1000\)/],
    ['a{3,2}', 1, /invalid repeat count \{3,2\}/],
    ['(a{100}){11}', 8, /nested counted repeats exceed 1000/],
  ];
  it.each(cases)('%j', (pattern, offset, message) => {
    const error = compileError(pattern);
    expect(error.message).toMatch(message);
    expect(error.offset).toBe(offset);
    expect(error.pattern).toBe(pattern);
  });

  it('names the pattern in the message and is a KubemetricsError', () => {
    const error = compileError('^(?=x)y$');
    expect(error.message).toBe(
      'Go regular expression "^(?=x)y$": lookahead (?=...) is not valid in Go (RE2) regular expressions, which prometheus-adapter uses (at offset 1)',
    );
    expect(error).toBeInstanceOf(KubemetricsError);
    expect(error.code).toBe('KUBEMETRICS_ERR_CONFIG');
    expect(error.name).toBe('GoRegexpError');
  });
});
