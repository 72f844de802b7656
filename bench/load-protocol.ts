/**
 * The messages of bench/apiserver.bench.ts's `--load-generator` child process (Node's own HTTP(S)
 * load generator, used where wrk cannot go: client certificates, open-loop rates). The service
 * benchmark drives the same child, so both import these shapes from here.
 */

export interface LoadRequest {
  readonly origin: string;
  readonly path: string;
  readonly ca: string;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly headers: Record<string, string>;
  readonly connections: number;
  readonly seconds: number;
  /** Requests per second (open loop); absent = as fast as possible (closed loop). */
  readonly rate?: number | undefined;
}

export interface LoadResult {
  readonly requests: number;
  readonly non200: number;
  readonly errors: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly bytes: number;
}
