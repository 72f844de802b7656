/**
 * Waiting on provider and hook calls without trusting them to honour their `AbortSignal`: a
 * provider that hangs must not hold a request (or a socket) forever. The request's signal aborts
 * with one of the reasons below; whatever the call returns later is dropped.
 */
import type { MaybePromise } from './provider.js';

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
 * Resolves like `value`, or rejects with `signal.reason` as soon as `signal` aborts. A synchronous
 * throw inside the call that produced `value` must be caught by the caller (wrap it in a function
 * and use {@link callAbortable}).
 */
export function abortable<T>(value: MaybePromise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  // A synchronous answer (the memory provider's) cannot hang: no abort listener needed.
  if (typeof (value as { then?: unknown } | null | undefined)?.then !== 'function')
    return Promise.resolve(value);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    // Promise.resolve adopts promises and foreign thenables alike.
    Promise.resolve(value).then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // Rejections may be any value (`throw 'down'`); pass them on unchanged for the error mapper.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}

/** Calls `fn` (synchronous throws become rejections) and waits for it like {@link abortable}. */
export function callAbortable<T>(fn: () => MaybePromise<T>, signal: AbortSignal): Promise<T> {
  let value: MaybePromise<T>;
  try {
    value = fn();
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error);
  }
  return abortable(value, signal);
}
