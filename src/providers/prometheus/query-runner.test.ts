import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusHttp, PrometheusUnavailableError } from './prometheus-http.js';
import { QueryRunner, type QueryRunnerOptions, type Trace } from './query-runner.js';

/**
 * A stand-in for Prometheus' `/api/v1/query` on 127.0.0.1. Each query is answered by `answer`
 * (default: a vector whose one sample's value is the query text), after `delayMs(query)`;
 * the server counts requests per query and the most requests it held at once.
 */
async function fakePrometheus(
  options: {
    readonly delayMs?: (query: string) => number;
    readonly answer?: (query: string, nth: number, response: ServerResponse) => void;
  } = {},
) {
  const counts = new Map<string, number>();
  const order: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('query') ?? '';
    const nth = (counts.get(query) ?? 0) + 1;
    counts.set(query, nth);
    order.push(query);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    const reply = () => {
      if (options.answer !== undefined) return options.answer(query, nth, res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { n: String(nth) }, value: [1, query] }] },
        }),
      );
    };
    const delay = options.delayMs?.(query) ?? 0;
    if (delay > 0) setTimeout(reply, delay);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (query: string) => counts.get(query) ?? 0,
    total: () => order.length,
    order,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(
  server: Awaited<ReturnType<typeof fakePrometheus>>,
  options: Partial<QueryRunnerOptions> = {},
): QueryRunner {
  const http = new PrometheusHttp({ url: server.url, timeoutMs: 5_000 });
  const runner = new QueryRunner(http, { cacheTtlMs: 5_000, concurrency: 4, ...options });
  cleanups.push(
    server.close,
    () => http.close(),
    () => runner.close(),
  );
  return runner;
}

const never = new AbortController().signal;
const valueOf = (answer: { samples: readonly { value: string }[] }) => answer.samples[0]?.value;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves once `condition` holds: a wait on what the server saw, not on a time budget. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

describe('QueryRunner.run', () => {
  it('sends identical queries within the TTL once', async () => {
    const server = await fakePrometheus();
    const runner = setup(server);
    const trace: Trace = { queries: [], notes: [] };
    const first = await runner.run('up', never, trace);
    const second = await runner.run('up', never, trace);
    expect(second).toBe(first);
    expect(server.count('up')).toBe(1);
    expect(trace.queries.map((q) => [q.promql, q.cached, q.samples, q.resultType])).toEqual([
      ['up', false, 1, 'vector'],
      ['up', true, 1, 'vector'],
    ]);
    expect(trace.queries[0]?.answer).toMatchObject({ status: 'success' });
    await runner.run('down', never);
    expect(server.count('down')).toBe(1);
  });

  it('sends again after the TTL, after clear(), and every time with a TTL of 0', async () => {
    const server = await fakePrometheus();
    const runner = setup(server, { cacheTtlMs: 30 });
    await runner.run('up', never);
    await sleep(60);
    await runner.run('up', never);
    expect(server.count('up')).toBe(2);
    runner.clear();
    await runner.run('up', never);
    expect(server.count('up')).toBe(3);

    const uncached = setup(server, { cacheTtlMs: 0 });
    await uncached.run('x', never);
    await uncached.run('x', never);
    expect(server.count('x')).toBe(2);
  });

  it('shares one request between concurrent identical queries', async () => {
    const server = await fakePrometheus({ delayMs: () => 50 });
    const runner = setup(server, { cacheTtlMs: 0 });
    const answers = await Promise.all([
      runner.run('up', never),
      runner.run('up', never),
      runner.run('up', never),
    ]);
    expect(server.count('up')).toBe(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('does not cache a failed query, and reports each outcome', async () => {
    const server = await fakePrometheus({
      answer: (query, nth, res) => {
        if (nth === 1) {
          res.writeHead(503);
          res.end('warming up');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
      },
    });
    const outcomes: unknown[] = [];
    const runner = setup(server, { onOutcome: (error) => outcomes.push(error) });
    const trace: Trace = { queries: [], notes: [] };
    await expect(runner.run('up', never, trace)).rejects.toBeInstanceOf(PrometheusUnavailableError);
    await expect(runner.run('up', never, trace)).resolves.toMatchObject({ samples: [] });
    await runner.run('up', never, trace);
    expect(server.count('up')).toBe(2);
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toBeInstanceOf(PrometheusUnavailableError);
    expect(outcomes[1]).toBeUndefined();
    expect(trace.queries.map((q) => [q.cached, q.error === undefined])).toEqual([
      [false, false],
      [false, true],
      [true, true],
    ]);
    expect(trace.queries[0]?.error).toContain('HTTP 503');
  });

  it('lets one caller stop waiting without failing the others', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const server = await fakePrometheus({
      answer: (query, _nth, res) => {
        void released.then(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              status: 'success',
              data: { resultType: 'vector', result: [{ metric: {}, value: [1, '7'] }] },
            }),
          );
        });
      },
    });
    const runner = setup(server);
    const leaving = new AbortController();
    const reason = new Error('client disconnected');
    const first = runner.run('up', leaving.signal);
    const second = runner.run('up', never);
    await sleep(20);
    leaving.abort(reason);
    await expect(first).rejects.toBe(reason);
    release();
    await expect(second).resolves.toMatchObject({ samples: [{ value: '7' }] });
    expect(server.count('up')).toBe(1);
    // The answer was cached for later callers.
    await runner.run('up', never);
    expect(server.count('up')).toBe(1);
  });

  it('sends nothing for a caller that has already aborted', async () => {
    const server = await fakePrometheus();
    const runner = setup(server);
    const controller = new AbortController();
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(runner.run('up', controller.signal)).rejects.toBe(reason);
    await sleep(20);
    expect(server.total()).toBe(0);
  });

  it('fails pending queries when closed', async () => {
    const server = await fakePrometheus({ answer: () => undefined });
    const runner = setup(server);
    const pending = runner.run('up', never);
    await sleep(20);
    runner.close();
    await expect(pending).rejects.toThrow('the Prometheus provider was stopped');
  });
});

describe('QueryRunner.runAll', () => {
  it('keeps at most `concurrency` queries in flight and answers in the order asked', async () => {
    // Later queries answer sooner, so completions come back out of order.
    const server = await fakePrometheus({ delayMs: (query) => 60 - Number(query.slice(1)) * 5 });
    const runner = setup(server, { concurrency: 3 });
    const queries = Array.from({ length: 10 }, (_, i) => `q${i}`);
    const answers = await runner.runAll(queries, never);
    expect(answers.map(valueOf)).toEqual(queries);
    expect(server.maxInFlight()).toBe(3);
    expect(server.total()).toBe(10);
  });

  it('runs one query, and no query', async () => {
    const server = await fakePrometheus();
    const runner = setup(server, { concurrency: 2 });
    expect((await runner.runAll(['only'], never)).map(valueOf)).toEqual(['only']);
    expect(await runner.runAll([], never)).toEqual([]);
  });

  it('sends a repeated query once', async () => {
    const server = await fakePrometheus({ delayMs: () => 10 });
    const runner = setup(server, { concurrency: 4 });
    const answers = await runner.runAll(['a', 'b', 'a', 'a'], never);
    expect(answers.map(valueOf)).toEqual(['a', 'b', 'a', 'a']);
    expect(server.count('a')).toBe(1);
  });

  it('sends no further query once the caller aborts', async () => {
    // Prometheus holds its answers until the test lets them go: the abort comes while the first two
    // queries are in flight whatever the machine's load (a fixed 15 ms pause against 40 ms answers
    // could fall before they arrived, or after they were answered and the next two sent).
    const held: ServerResponse[] = [];
    const server = await fakePrometheus({ answer: (_query, _nth, res) => held.push(res) });
    const runner = setup(server, { concurrency: 2 });
    const controller = new AbortController();
    const reason = new Error('client disconnected');
    const pending = runner.runAll(
      Array.from({ length: 8 }, (_, i) => `q${i}`),
      controller.signal,
    );
    await until(() => server.total() === 2);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    // Answered now: a runner still going would send the next queries.
    for (const res of held) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    }
    await sleep(80);
    expect(server.total()).toBe(2);
    expect(server.maxInFlight()).toBe(2);
  });

  it('sends no further query after one fails', async () => {
    const server = await fakePrometheus({
      answer: (query, _nth, res) => {
        if (query === 'q0') {
          res.writeHead(422, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'error', errorType: 'execution', error: 'bad' }));
          return;
        }
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
        }, 30);
      },
    });
    const runner = setup(server, { concurrency: 2 });
    await expect(
      runner.runAll(
        Array.from({ length: 8 }, (_, i) => `q${i}`),
        never,
      ),
    ).rejects.toThrow('bad');
    // q0 and q1 started together (they may reach Prometheus in either order on a loaded machine);
    // q0 failed at once, so nothing after q1 was sent.
    await until(() => server.total() >= 2);
    await sleep(80);
    expect([...server.order].sort()).toEqual(['q0', 'q1']);
  });
});
