/**
 * Runs PromQL for the provider: identical queries within the cache window (default 5 s) are sent
 * once, concurrent identical queries share one request, and batches run a few at a time.
 *
 * The HPA controller asks every 15 s per HPA, kubectl and dashboards poll, and several replicas of
 * an HPA target share queries; a short window removes that duplication without serving data
 * older than Prometheus' own scrape interval. A shared request is not tied to the caller that
 * started it (a disconnecting client must not fail the others); each caller stops waiting on its
 * own signal.
 */
import { callAbortable } from '../../apiserver/index.js';
import { TtlCache } from '../../apiserver/index.js';
import type { PrometheusHttp, QueryAnswer } from './prometheus-http.js';

/** One query as `explain` reports it. */
export interface QueryTrace {
  readonly promql: string;
  readonly cached: boolean;
  readonly ms: number;
  readonly resultType?: string | undefined;
  readonly samples?: number | undefined;
  readonly warnings?: readonly string[] | undefined;
  /** Prometheus' answer, parsed. */
  readonly answer?: unknown;
  readonly error?: string | undefined;
}

/** Collects what a request did, when explaining it. */
export interface Trace {
  readonly queries: QueryTrace[];
  readonly notes: string[];
}

export interface QueryRunnerOptions {
  readonly cacheTtlMs: number;
  /** Queries of one request in flight at once (batches). */
  readonly concurrency: number;
  /** Told about every request's outcome, for readiness. */
  readonly onOutcome?: ((error: unknown) => void) | undefined;
}

export class QueryRunner {
  readonly #http: PrometheusHttp;
  readonly #options: QueryRunnerOptions;
  readonly #cache = new TtlCache<QueryAnswer>({ maxEntries: 512 });
  readonly #lifetime = new AbortController();

  constructor(http: PrometheusHttp, options: QueryRunnerOptions) {
    this.#http = http;
    this.#options = options;
  }

  async run(promql: string, signal: AbortSignal, trace?: Trace): Promise<QueryAnswer> {
    const started = performance.now();
    try {
      // A caller that has already gone starts no query (and leaves no rejection unhandled).
      signal.throwIfAborted();
      const { value, hit } = await callAbortable(
        () =>
          this.#cache.getOrLoad(
            promql,
            async () => {
              try {
                const answer = await this.#http.query(promql, this.#lifetime.signal);
                this.#options.onOutcome?.(undefined);
                return answer;
              } catch (error) {
                this.#options.onOutcome?.(error);
                throw error;
              }
            },
            () => this.#options.cacheTtlMs,
          ),
        signal,
      );
      trace?.queries.push({
        promql,
        cached: hit,
        ms: Math.round((performance.now() - started) * 10) / 10,
        resultType: value.resultType,
        samples: value.samples.length,
        warnings: value.warnings,
        answer: safeParse(value.body),
      });
      return value;
    } catch (error) {
      trace?.queries.push({
        promql,
        cached: false,
        ms: Math.round((performance.now() - started) * 10) / 10,
        error: (error as Error).message,
      });
      throw error;
    }
  }

  /** Runs every query, `concurrency` at a time; answers in the order of `queries`. */
  async runAll(queries: readonly string[], signal: AbortSignal, trace?: Trace): Promise<QueryAnswer[]> {
    if (queries.length === 1) return [await this.run(queries[0] ?? '', signal, trace)];
    const answers: QueryAnswer[] = new Array<QueryAnswer>(queries.length);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      // After a failure the answer is that failure: the remaining queries are not sent.
      while (next < queries.length && !failed) {
        const index = next++;
        try {
          answers[index] = await this.run(queries[index] ?? '', signal, trace);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#options.concurrency, queries.length) }, worker));
    return answers;
  }

  /** Forgets cached answers (after a refresh asked for fresh data). */
  clear(): void {
    this.#cache.clear();
  }

  close(): void {
    this.#lifetime.abort(new Error('the Prometheus provider was stopped'));
  }
}

function safeParse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
