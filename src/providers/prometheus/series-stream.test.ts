import { describe, expect, it } from 'vitest';
import { SeriesStreamParser } from './series-stream.js';

type Labels = Readonly<Record<string, string>>;

/**
 * An answer with everything that can trip an incremental reader: objects in arrays outside `data`
 * (before and after it), a nested `data` key, escaped quotes and backslashes (one ending a
 * string), \u escapes, literal non-ASCII text and brackets inside strings.
 */
const ANSWER =
  '{"status":"success","warnings":[{"__name__":"not_a_series"},"w \\"x\\" [1]"],' +
  '"stats":{"data":[{"__name__":"nested"}]},' +
  '"data":[' +
  '{"__name__":"up","job":"a\\"b","instance":"c\\\\"},' +
  ' {"__name__":"caf\\u00e9","pod":"é{}[]:,\\"","emoji":"🚀"} ,\n' +
  '{"__name__":"escapes","v":"\\\\\\\\\\"\\/\\n\\t"}' +
  '],"infos":[{"__name__":"after"}],"note":"data"}';

const EXPECTED = (JSON.parse(ANSWER) as { data: Labels[] }).data;

function parse(chunks: readonly string[]): { series: Labels[]; count: number } {
  const series: Labels[] = [];
  const parser = new SeriesStreamParser((labels) => series.push(labels));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { series, count: parser.count };
}

describe('SeriesStreamParser', () => {
  it('hands over the series of data and nothing else', () => {
    expect(EXPECTED).toHaveLength(3);
    expect(parse([ANSWER])).toEqual({ series: EXPECTED, count: 3 });
  });

  it('gives the same series for every split into two chunks', () => {
    for (let i = 0; i <= ANSWER.length; i++) {
      const { series, count } = parse([ANSWER.slice(0, i), ANSWER.slice(i)]);
      expect(series, `split at ${i}`).toEqual(EXPECTED);
      expect(count).toBe(3);
    }
  });

  it('gives the same series for every split into three chunks with a short middle one', () => {
    for (let i = 0; i <= ANSWER.length; i++)
      for (const j of [i, i + 1, i + 2, i + 3, i + 5, i + 8, i + 13]) {
        const { series } = parse([ANSWER.slice(0, i), ANSWER.slice(i, j), ANSWER.slice(j)]);
        expect(series, `split at ${i} and ${j}`).toEqual(EXPECTED);
      }
  });

  it('reads one character at a time', () => {
    expect(parse([...ANSWER]).series).toEqual(EXPECTED);
  });

  it('hands each series over as soon as its object is complete', () => {
    const seen: Labels[] = [];
    const parser = new SeriesStreamParser((labels) => seen.push(labels));
    parser.push('{"status":"success","data":[{"__name__":"a"},{"__name__"');
    expect(seen).toEqual([{ __name__: 'a' }]);
    expect(parser.count).toBe(1);
    parser.push(':"b"}');
    expect(seen).toHaveLength(2);
    parser.push(']}');
    parser.end();
    expect(parser.count).toBe(2);
  });

  it('reads an empty data array and surrounding whitespace', () => {
    expect(parse(['\n {"status":"success","data":[]} \n'])).toEqual({ series: [], count: 0 });
  });

  it('ignores non-object items of data', () => {
    expect(
      parse(['{"data":[{"__name__":"a"},null,"x",[{"__name__":"deep"}],{"__name__":"b"}]}']).series,
    ).toEqual([{ __name__: 'a' }, { __name__: 'b' }]);
  });

  it('reads many series in small chunks', () => {
    const items = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ __name__: `m${i % 3}`, id: `${i}` }),
    );
    const text = `{"status":"success","data":[${items.join(',')}]}`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 97) chunks.push(text.slice(i, i + 97));
    const { series, count } = parse(chunks);
    expect(count).toBe(5000);
    expect(series[4999]).toEqual({ __name__: 'm1', id: '4999' });
  });

  it('fails at end() when the answer was cut off anywhere', () => {
    for (let i = 0; i < ANSWER.length; i++) {
      const parser = new SeriesStreamParser(() => undefined);
      parser.push(ANSWER.slice(0, i));
      expect(() => parser.end(), `cut at ${i}`).toThrow(/series answer/);
    }
  });

  it('says the answer was cut off when it ends inside the document', () => {
    const parser = new SeriesStreamParser(() => undefined);
    parser.push('{"status":"success","data":[{"__name__":"a"}');
    expect(() => parser.end()).toThrow('the series answer ended in the middle of the JSON document');
  });

  it('fails at end() for an empty answer or one that is not a JSON object', () => {
    for (const text of [
      '',
      '  \n',
      '<html><body>502 Bad Gateway</body></html>',
      '"data"',
      '[]',
      '{"data":[]}{"data":[]}',
    ]) {
      const parser = new SeriesStreamParser(() => undefined);
      parser.push(text);
      expect(() => parser.end(), JSON.stringify(text)).toThrow('the series answer is not a JSON object');
    }
  });
});
