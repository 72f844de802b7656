/**
 * Waiting on provider and hook calls without trusting them to honour their `AbortSignal`: a
 * provider that hangs must not hold a request (or a socket) forever. The request's signal aborts
 * with one of the reasons below; whatever the call returns later is dropped. The waiting itself is
 * the client's `raceAbort` (one implementation for both).
 */
import { raceAbort } from '../../client/index.js';
import type { MaybePromise } from '../provider/provider.js';

/** Abort reason when the client disconnects before the answer is written. */
export class ClientDisconnectedError extends Error {
  constructor() {
    super('the client disconnected before the answer was written');
    this.name = 'ClientDisconnectedError';
  }
}

/** Abort reason when a request runs longer than the server's request timeout. */
export class RequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`request did not complete within ${timeoutMs}ms`);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * Calls `fn` (a synchronous throw becomes a rejection) and resolves like its answer, or rejects
 * with `signal.reason` as soon as `signal` aborts. Providers use it too, to wait on shared work
 * (a cached backend query) on behalf of one request.
 */
export function callAbortable<T>(fn: () => MaybePromise<T>, signal: AbortSignal): Promise<T> {
  let value: MaybePromise<T>;
  try {
    value = fn();
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error);
  }
  return raceAbort(value, signal);
}
