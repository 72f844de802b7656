/**
 * Waiting for work on behalf of one caller without trusting the work to honour an `AbortSignal`:
 * the caller gives up as soon as its signal aborts, and whatever the work settles with later is
 * dropped. The client waits this way on shared discovery requests and exec-plugin credentials;
 * the API server on provider and auth-hook calls (a hung provider must not hold a socket forever).
 */

/**
 * Settles like `value`, or rejects with `reason()` (default: the signal's own reason) as soon as
 * `signal` aborts; the work itself goes on. A value that is not a thenable (a synchronous answer,
 * such as the memory provider's) cannot hang, so it resolves without an abort listener.
 */
export function raceAbort<T>(
  value: T | PromiseLike<T>,
  signal: AbortSignal,
  reason: () => unknown = () => signal.reason,
): Promise<T> {
  // Abort reasons and rejections may be any value (`throw 'down'`); they pass on unchanged for
  // the caller's error mapping.
  /* eslint-disable @typescript-eslint/prefer-promise-reject-errors */
  if (signal.aborted) return Promise.reject(reason());
  if (typeof (value as { then?: unknown } | null | undefined)?.then !== 'function')
    return Promise.resolve(value);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    // Promise.resolve adopts promises and foreign thenables alike.
    Promise.resolve(value).then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
  /* eslint-enable @typescript-eslint/prefer-promise-reject-errors */
}
