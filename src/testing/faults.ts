/**
 * Fault injection: make the next N matching requests fail with a chosen Status (and optionally a
 * `Retry-After`), drop the connection, or, for a watch, answer 200 with one `ERROR` event (how
 * the API server reports a resourceVersion too old to watch from: 410 Expired in the stream), to
 * test a client's retries, backoff and error messages. A watch refused by a proxy or by RBAC is
 * `{ path: /watch=(true|1)/, status: 405 }` (or 403).
 */
import type { ServerResponse } from 'node:http';
import { failureStatus, STATUS_REASON_BY_CODE, type StatusDetails } from '../api/index.js';
import { sendStatus } from './response.js';

/** One fault to inject; see {@link TestCluster.injectFault}. */
export interface FaultSpec {
  /** A string matches the URL path exactly (no query); a RegExp is tested against path + query. */
  path: RegExp | string;
  /** HTTP status of the Status answer; default 500. Ignored with `reset`. */
  status?: number;
  /** Status `reason`; default the API server's reason for the code (TooManyRequests for 429, ...). */
  reason?: string;
  message?: string;
  /** Sets the `Retry-After` header and `details.retryAfterSeconds`. */
  retryAfterSeconds?: number;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /**
   * Never answer: the request is held until the client gives up or the cluster stops, as behind a
   * frozen proxy or an API server that accepted the request and stalled.
   */
  hang?: boolean;
  /**
   * Answer 200 with a watch stream holding one `ERROR` event whose Status has `status` (default
   * 410 Expired), then end it.
   */
  watchError?: boolean;
  /** How many requests the fault applies to; default 1. `Infinity`: every one until cleared. */
  times?: number;
}

interface ActiveFault {
  readonly spec: FaultSpec;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (times !== Infinity && (!Number.isInteger(times) || times < 1))
      throw new RangeError(`injectFault: times must be a positive integer or Infinity, got ${times}`);
    this.faults.push({ spec, remaining: times });
  }

  clear(): void {
    this.faults = [];
  }

  /** Applies the first matching fault, if any; returns the HTTP status written (0: reset or held). */
  apply(url: URL, res: ServerResponse): number | undefined {
    const fault = this.faults.find((f) =>
      typeof f.spec.path === 'string'
        ? f.spec.path === url.pathname
        : f.spec.path.test(url.pathname + url.search),
    );
    if (fault === undefined) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    const { spec } = fault;
    if (spec.reset === true) {
      res.socket?.destroy();
      return 0;
    }
    if (spec.hang === true) return 0;
    if (spec.watchError === true) {
      const code = spec.status ?? 410;
      const status = failureStatus(
        code,
        spec.message ?? `injected fault: ${code === 410 ? 'too old resource version' : `HTTP ${code}`}`,
        undefined,
        spec.reason,
      );
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
      res.end(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      return 200;
    }
    const code = spec.status ?? 500;
    const details: StatusDetails = {};
    const headers: Record<string, string> = {};
    if (spec.retryAfterSeconds !== undefined) {
      details.retryAfterSeconds = spec.retryAfterSeconds;
      headers['Retry-After'] = String(spec.retryAfterSeconds);
    }
    const status = failureStatus(
      code,
      spec.message ?? `injected fault: ${STATUS_REASON_BY_CODE[code] ?? `HTTP ${code}`}`,
      spec.retryAfterSeconds === undefined ? undefined : details,
      spec.reason,
    );
    sendStatus(res, status, headers);
    return code;
  }
}
