import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KubemetricsError } from '../../errors.js';
import { GoTemplateError, compileGoTemplate, type TemplateData } from './go-template.js';

// Expected outputs were checked against Go's text/template (Delims("<<", ">>")) executing the
// same templates on a struct with these fields; the differences we chose are tested by name.
const QUERY_FIELDS = ['Series', 'LabelMatchers', 'GroupBy', 'GroupBySlice', 'LabelValuesByName'];
const data: TemplateData = {
  Series: 'http_requests_total',
  LabelMatchers: 'namespace="default",pod=~"a|b"',
  GroupBy: 'pod',
  GroupBySlice: ['pod'],
  LabelValuesByName: { namespace: 'default', pod: 'a|b' },
};
const TEST_FIELDS = [...QUERY_FIELDS, 'Empty', 'EmptySlice', 'EmptyMap', 'Slice', 'Map'];
const testData: TemplateData = {
  ...data,
  Empty: '',
  EmptySlice: [],
  EmptyMap: {},
  Slice: ['a', 'b', 'c'],
  Map: { z: '26', a: '1', m: '13' },
};

function render(source: string): string {
  return compileGoTemplate(source, TEST_FIELDS).render(testData);
}

function compileError(source: string, fields: readonly string[] = TEST_FIELDS): GoTemplateError {
  try {
    compileGoTemplate(source, fields);
  } catch (error) {
    expect(error).toBeInstanceOf(GoTemplateError);
    return error as GoTemplateError;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to compile`);
}

function renderError(source: string): GoTemplateError {
  const template = compileGoTemplate(source, TEST_FIELDS);
  try {
    template.render(testData);
  } catch (error) {
    expect(error).toBeInstanceOf(GoTemplateError);
    return error as GoTemplateError;
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail at render`);
}

describe('compileGoTemplate: prometheus-adapter configurations', () => {
  const cases: [template: string, rendered: string, fields: string[]][] = [
    [
      'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
      'sum(rate(http_requests_total{namespace="default",pod=~"a|b"}[2m])) by (pod)',
      ['Series', 'LabelMatchers', 'GroupBy'],
    ],
    [
      'sum by (<<.GroupBy>>) (\n  irate (\n    container_cpu_usage_seconds_total{<<.LabelMatchers>>,container!="",pod!=""}[4m]\n  )\n)',
      'sum by (pod) (\n  irate (\n    container_cpu_usage_seconds_total{namespace="default",pod=~"a|b",container!="",pod!=""}[4m]\n  )\n)',
      ['GroupBy', 'LabelMatchers'],
    ],
    [
      'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<range $i, $l := .GroupBySlice>><<if $i>>,<<end>><<$l>><<end>>)',
      'sum(http_requests_total{namespace="default",pod=~"a|b"}) by (pod)',
      ['Series', 'LabelMatchers', 'GroupBySlice'],
    ],
    [
      'max(<<.Series>>{namespace="<<.LabelValuesByName.namespace>>"})',
      'max(http_requests_total{namespace="default"})',
      ['Series', 'LabelValuesByName'],
    ],
    ['<<index .LabelValuesByName "pod">>', 'a|b', ['LabelValuesByName']],
    ['container_memory_working_set_bytes', 'container_memory_working_set_bytes', []],
  ];
  it.each(cases)('%j', (source, rendered, fields) => {
    const template = compileGoTemplate(source, QUERY_FIELDS);
    expect(template.render(data)).toBe(rendered);
    expect([...template.fields].sort()).toEqual([...fields].sort());
    expect(template.source).toBe(source);
  });

  it('joins a multi-label group-by with commas', () => {
    const template = compileGoTemplate(
      'by (<<range $i, $l := .GroupBySlice>><<if $i>>,<<end>><<$l>><<end>>)',
      QUERY_FIELDS,
    );
    expect(template.render({ ...data, GroupBySlice: ['namespace', 'pod', 'container'] })).toBe(
      'by (namespace,pod,container)',
    );
    expect(template.render({ ...data, GroupBySlice: [] })).toBe('by ()');
  });

  it('renders the resource label templates', () => {
    const fields = ['Group', 'Resource'];
    expect(
      compileGoTemplate('kube_<<.Group>>_<<.Resource>>', fields).render({
        Group: 'apps',
        Resource: 'deployment',
      }),
    ).toBe('kube_apps_deployment');
    const resource = compileGoTemplate('<<.Resource>>', fields);
    expect(resource.render({ Group: '', Resource: 'pod' })).toBe('pod');
    expect([...resource.fields]).toEqual(['Resource']);
  });

  it('renders again with other data: compiled templates keep no state between renders', () => {
    const template = compileGoTemplate('<<range .GroupBySlice>>[<<.>>]<<end>><<.Series>>', QUERY_FIELDS);
    expect(template.render(data)).toBe('[pod]http_requests_total');
    expect(template.render({ ...data, Series: 'up', GroupBySlice: ['a', 'b'] })).toBe('[a][b]up');
  });
});

describe('compileGoTemplate: the supported subset, as Go renders it', () => {
  const cases: [template: string, rendered: string][] = [
    // text and fields
    ['', ''],
    ['plain >> text > <', 'plain >> text > <'],
    ['<<.Series>>>>', 'http_requests_total>>'],
    ['<<print ">>">>', '>>'],
    ['<<.LabelValuesByName.namespace>><<.LabelValuesByName.pod>>', 'defaulta|b'],
    ['<<$.Series>>', 'http_requests_total'],
    // values print like Go's fmt: lists as [a b], maps as map[k:v] sorted by key
    ['<<.Slice>> <<.Map>> <<.EmptySlice>> <<.EmptyMap>>', '[a b c] map[a:1 m:13 z:26] [] map[]'],
    // trim markers remove all adjacent white space (space, tab, CR, LF)
    ['a  \n <<- .GroupBy ->> \n\t b', 'apodb'],
    ['a <<- .GroupBy>> b', 'apod b'],
    ['a <<.GroupBy ->> b', 'a podb'],
    ['a\n\n<<- /* comment */ ->>\n\nb', 'ab'],
    ['a <</* a comment\n over lines */>> b', 'a  b'],
    ['x<<- 3>>y', 'x3y'],
    // range over lists and maps (sorted keys), with variables and else
    ['<<range .Slice>>[<<.>>]<<end>>', '[a][b][c]'],
    ['<<range $i, $v := .Slice>><<$i>>=<<$v>>;<<end>>', '0=a;1=b;2=c;'],
    ['<<range $v := .Slice>><<$v>><<end>>', 'abc'],
    ['<<range .Map>><<.>>,<<end>>', '1,13,26,'],
    ['<<range $k, $v := .Map>><<$k>>=<<$v>>;<<end>>', 'a=1;m=13;z=26;'],
    ['<<range .EmptySlice>>x<<else>>empty<<end>>', 'empty'],
    ['<<range .EmptyMap>>x<<else>>empty<<end>>', 'empty'],
    // Go sets the declared variables to the collection itself; the else branch can see that.
    ['<<range $i, $v := .EmptySlice>>x<<else>><<$v>>|<<$i>><<end>>', '[]|[]'],
    ['<<range .Slice>><<$.GroupBy>>:<<.>> <<end>>', 'pod:a pod:b pod:c '],
    [
      '<<range $i, $a := .Slice>><<range $b := $.Slice>><<$a>><<$b>> <<end>><<end>>',
      'aa ab ac ba bb bc ca cb cc ',
    ],
    ['<<range .Slice>><<else>><<.GroupBy>><<end>>', ''],
    // if / else if / else with Go's truth: empty strings, lists, maps, 0 and false are false
    ['<<if .Empty>>a<<else if .EmptySlice>>b<<else if .EmptyMap>>c<<else>>d<<end>>', 'd'],
    ['<<if .Series>>yes<<end>>', 'yes'],
    [
      '<<if 0>>a<<else>>b<<end>><<if 1>>c<<end>><<if "">>d<<end>><<if false>>e<<end>><<if true>>f<<end>>',
      'bcf',
    ],
    ['<<if .Map>>m<<end>><<if .Slice>>s<<end>>', 'ms'],
    ['<<range $i, $v := .Slice>><<if eq $i 0>>first:<<else>>,<<end>><<$v>><<end>>', 'first:a,b,c'],
    // functions
    ['<<len .Series>> <<len .Slice>> <<len .Map>> <<len "héllo">>', '19 3 3 6'],
    ['<<index .Slice 1>> <<index .Map "m">> <<index .Map "missing">>| <<index .Slice>>', 'b 13 | [a b c]'],
    ['<<index .Series 0>>', '104'],
    ['<<print>>|<<print .Series 1 2 true "x" .Slice>>', '|http_requests_total1 2 truex[a b c]'],
    ['<<print 1 2 "a" 3 "b" "c">>', '1 2a3bc'],
    ['<<print -3 +4 0>>', '-3 4 0'],
    [
      '<<printf "%s/%d/%v/%q" .Series 42 .Slice .LabelMatchers>>',
      'http_requests_total/42/[a b c]/"namespace=\\"default\\",pod=~\\"a|b\\""',
    ],
    ['<<printf "%d %s %q %v" .Series 7 7 true>>', "%!d(string=http_requests_total) %!s(int=7) '\\a' true"],
    [
      '<<printf "%q %d %q" .Map .Slice "tab\\there\\u00e9\\u00a0\\x01">>',
      'map["a":"1" "m":"13" "z":"26"] [%!d(string=a) %!d(string=b) %!d(string=c)] "tab\\there\u00e9\\u00a0\\x01"',
    ],
    [
      '<<printf "%q" 97>> <<printf "%v" false>> <<printf "%s" false>> <<printf "%d" true>>',
      "'a' false %!s(bool=false) %!d(bool=true)",
    ],
    ['<<printf "100%%">>', '100%'],
    ['<<printf "%v" .Map>>', 'map[a:1 m:13 z:26]'],
    [
      '<<eq .Series "http_requests_total">> <<eq .GroupBy "a" "b" "pod">> <<ne .GroupBy "pod">> <<not .Empty>>',
      'true true false true',
    ],
    ['<<eq 1 1>> <<eq true true>> <<ne "a" "b">> <<eq .Empty "">>', 'true true true true'],
    // and/or return the deciding argument itself (Go 1.18+ short-circuit)
    [
      '<<and .Series .GroupBy>>|<<and .Empty .GroupBy>>|<<or .Empty .GroupBy>>|<<or .Empty .EmptySlice>>|<<and 1 0 2>>',
      'pod||pod|[]|0',
    ],
    ['<<or 0 "">>|<<and "x" true>>', '|true'],
    ['<<if and (eq .GroupBy "pod") (not .Empty)>>ok<<end>>', 'ok'],
    ['<<print (len .Series) (index .Slice 0)>>', '19a'],
    // constants
    ['<<`raw\\n`>> <<"esc\\n\\t\\"">>', 'raw\\n esc\n\t"'],
    ['<<print "a\\x41\\101\\u00e9\\U0001F600">>', 'aAAé😀'],
    ['<<true>> <<false>> <<3>> <<"s">>', 'true false 3 s'],
  ];

  it.each(cases)('%j', (source, rendered) => {
    expect(render(source)).toBe(rendered);
  });

  it('short-circuits and/or: arguments after the deciding one are not evaluated', () => {
    // index .Slice 5 would fail; or stops at the first true argument before reaching it.
    expect(render('<<or .GroupBy (index .Slice 5)>>')).toBe('pod');
    expect(render('<<and .Empty (index .Slice 5)>>')).toBe('');
    expect(renderError('<<or .Empty (index .Slice 5)>>').message).toContain('index out of range: 5');
  });

  it('renders a missing map key as "" (Go prints <no value>, which would break the PromQL query)', () => {
    expect(render('{namespace="<<.LabelValuesByName.missing>>"}')).toBe('{namespace=""}');
    expect(render('<<if .LabelValuesByName.missing>>a<<else>>b<<end>>')).toBe('b');
    // The same lookup through index, where Go itself gives the zero value.
    expect(render('<<index .LabelValuesByName "missing">>')).toBe('');
    // Only the map's own keys count: no Object.prototype members leak into a query.
    expect(render('<<.Map.constructor>>|<<index .Map "toString">>|<<if .Map.hasOwnProperty>>x<<end>>')).toBe(
      '||',
    );
  });

  it('lists the top-level fields read anywhere, including in branches not taken and via $', () => {
    const template = compileGoTemplate(
      '<<if .Empty>><<.Series>><<else>><<range .Slice>><<$.GroupBy>><<end>><</* .LabelMatchers */>><<end>><<len $.Map>>',
      TEST_FIELDS,
    );
    expect([...template.fields].sort()).toEqual(['Empty', 'GroupBy', 'Map', 'Series', 'Slice']);
  });

  it('treats plain text as itself (property)', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes('<<')),
        (text) => compileGoTemplate(text, []).render({}) === text,
      ),
    );
  });
});

describe('compileGoTemplate: rejected at compile time', () => {
  const cases: [template: string, offset: number, message: RegExp][] = [
    // not in this subset (message lists what is)
    ['<<with .Series>>x<<end>>', 2, /the with action is not supported; supported: .*range/],
    ['<<define "x">>a<<end>>', 2, /define action is not supported/],
    ['<<template "x">>', 2, /template action is not supported/],
    ['<<block "x" .>>a<<end>>', 2, /block action is not supported/],
    ['<<range .Slice>><<break>><<end>>', 18, /break action is not supported/],
    ['<<.Series | len>>', 10, /pipelines with "\|" are not supported.*<<len \.X>>/],
    [
      '<<join .GroupBySlice ",">>',
      2,
      /join is not a Go template function.*<<range \$i, \$v := \.GroupBySlice>>/,
    ],
    ['<<lt 1 2>>', 2, /the Go template function lt is not supported; supported: .*len, index, print, printf/],
    ['<<upper .Series>>', 2, /the function upper is not supported/],
    ['<<.Series.Method "x">>', 17, /is not a function and can't take arguments/],
    ['<<"a" "b">>', 6, /"a" is not a function/],
    ['<<$x := .Series>>', 5, /variables can be declared only in range/],
    ['<<printf "%x" 1>>', 9, /printf verb %x .* supported: %s %d %v %q and %%/],
    ['<<printf "%5s" 1>>', 9, /printf verb %5/],
    ['<<printf "%s">>', 2, /1 verb\(s\) but 0 argument\(s\)/],
    ['<<printf "%s" 1 2>>', 2, /1 verb\(s\) but 2 argument\(s\)/],
    ['<<printf .Series>>', 9, /constant format string/],
    ["<<'a'>>", 2, /character constants/],
    ['<<1.5>>', 2, /only decimal integer constants/],
    ['<<010>>', 2, /only decimal integer constants/],
    ['<<nil>>', 2, /nil is not a command/],
    ['<<print len .Series>>', 8, /call len in parentheses/],
    ['<<range $i, $v := .Slice>><<else if $i>>x<<end>>', 26, /<<else if>> is supported in <<if>> only/],
    // fields
    [
      '<<.Serie>>',
      2,
      /unknown field \.Serie; the fields available here are \.Series, .*Did you mean \.Series\?$/,
    ],
    ['<<.labelMatchers>>', 2, /Did you mean \.LabelMatchers\? \(Go field names are case-sensitive\.\)/],
    ['<<$.Nope>>', 2, /unknown field \.Nope; the fields available here are .*\.Map\.$/],
    [
      '<<range .Slice>><<.Series>><<end>>',
      18,
      /inside range, "\." is the current element .* write \$\.Series/,
    ],
    ['<<.>>', 2, /outside range, "\." is the whole data object/],
    ['<<$>>', 2, /\$ is the whole data object/],
    ['<<.Series.Foo.bar>>', 2, /\.Series\.Foo is a string, which has no field bar/],
    ['<<range $v := .Slice>><<$v.x>><<end>>', 24, /range variables hold strings/],
    ['<<$x>>', 2, /undefined variable \$x/],
    // syntax
    ['ab <<.Series', 3, /unclosed action: no closing >>/],
    ['<<if .Series>>x', 0, /missing <<end>> for this if/],
    ['a<<range .Slice>>x<<if 1>>y<<end>>', 1, /missing <<end>> for this range/],
    ['<<end>>', 0, /unexpected <<end>> with no <<if>> or <<range>> open/],
    ['<<else>>', 0, /unexpected <<else>>/],
    ['<<if 1>>a<<else>>b<<else>>c<<end>>', 18, /unexpected <<else>> in if: expected <<end>>/],
    ['<<.Series->>', 9, /right trim marker is " ->>" with a space before the dash/],
    ['<<-.Series>>', 2, /left trim marker is "<<- " with a space after the dash/],
    ['<< /* c */ >>', 3, /a comment must start right after the opening delimiter/],
    ['<</* c */ >>', 9, /a comment must end at the closing delimiter/],
    ['<</* c ', 0, /unclosed comment/],
    ['<<>>', 0, /empty action/],
    ['<<-   ->>x', 0, /empty action/],
    ['<<print "a>>', 8, /unterminated quoted string/],
    ['<<print `a>>', 8, /unterminated raw string/],
    ['<<print "\\q">>', 9, /invalid escape \\q/],
    ['<<print (len .Series>>', 8, /unclosed left paren/],
    ['<<if>>x<<end>>', 0, /missing condition for if/],
    ['<<range>>x<<end>>', 0, /missing value for range/],
    [
      '<<range $i, $v, $w := .Slice>><<end>>',
      0,
      /expected "range \$v := \.Field" or "range \$i, \$v := \.Field"/,
    ],
    ['<<range $i = .Slice>><<end>>', 11, /declared with :=, not assigned with =/],
    ['<<end x>>', 6, /unexpected text after end/],
    ['<<and>>', 2, /wrong number of arguments for and: want at least 1, got 0/],
    ['<<eq 1>>', 2, /wrong number of arguments for eq: want at least 2, got 1/],
    ['<<ne 1 2 3>>', 2, /wrong number of arguments for ne: want 2, got 3/],
    ['<<not 1 2>>', 2, /wrong number of arguments for not: want 1, got 2/],
    ['<<len>>', 2, /wrong number of arguments for len: want 1, got 0/],
    ['<<.Series # >>', 10, /unexpected character "#" in action; supported:/],
  ];

  it.each(cases)('%j', (source, offset, message) => {
    const error = compileError(source);
    expect(error.message).toMatch(message);
    expect(error.offset).toBe(offset);
  });

  it('quotes the action and its offset in the message', () => {
    const error = compileError('sum(<<.Serie>>)');
    expect(error.message.startsWith('<<.Serie>> at offset 6: ')).toBe(true);
    expect(error).toBeInstanceOf(KubemetricsError);
    expect(error.code).toBe('KUBEMETRICS_ERR_CONFIG');
    expect(error.name).toBe('GoTemplateError');
  });

  it('checks fields against the allowed list given (resource templates allow Group and Resource)', () => {
    expect(compileError('<<.Series>>', ['Group', 'Resource']).message).toMatch(
      /unknown field \.Series; the fields available here are \.Group, \.Resource\.$/,
    );
    expect(compileError('<<.resource>>', ['Group', 'Resource']).message).toMatch(/Did you mean \.Resource\?/);
    expect(compileError('<<.X>>', []).message).toMatch(/available here are none/);
  });
});

describe('compileGoTemplate: data of the wrong shape fails at render, as in Go', () => {
  const cases: [template: string, message: RegExp][] = [
    ['<<.Slice.x>>', /can't evaluate field x in type \[\]string/],
    ['<<.Series.x>>', /can't evaluate field x in type string/],
    ['<<index .Slice 3>>', /error calling index: index out of range: 3/],
    ['<<index .Map 1>>', /value has type int; should be string/],
    ['<<index .Slice "a">>', /cannot index slice\/array with type string/],
    ['<<index 1 1>>', /can't index item of type int/],
    ['<<len 3>>', /error calling len: len of type int/],
    ['<<eq .Series 1>>', /error calling eq: incompatible types for comparison/],
    ['<<eq .Slice .Slice>>', /non-comparable type \[\]string/],
    ['<<range .Series>>x<<end>>', /range can't iterate over http_requests_total/],
  ];
  it.each(cases)('%j', (source, message) => {
    expect(renderError(source).message).toMatch(message);
  });

  it('fails when the data lacks a field the template reads', () => {
    const template = compileGoTemplate('a <<.Series>>', QUERY_FIELDS);
    let caught: unknown;
    try {
      template.render({});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GoTemplateError);
    expect((caught as GoTemplateError).message).toBe(
      '<<.Series>> at offset 4: the data has no value for .Series',
    );
    expect((caught as GoTemplateError).offset).toBe(4);
  });
});
