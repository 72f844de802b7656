/**
 * kubectl's `-v`/`--v=N` request log: at level 6 and above one line per HTTP attempt on stderr,
 * shaped like client-go's round-tripper log (k8s.io/client-go/transport/round_trippers.go:
 * `GET https://... 200 OK in 12 milliseconds`). The transport publishes every attempt on
 * node:diagnostics_channel; this module only subscribes, so nothing is paid without `-v`.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { STATUS_CODES } from 'node:http';
// transport.js, not client/index.js, which would bring the watch code and undici into the bundle's chunk.
import { REQUEST_CHANNEL, type RequestEvent } from '../client/transport.js';
import type { CliIO } from './io.js';
import { REQUEST_LOG_LEVEL } from './verbosity.js';

/** One log line for an attempt. */
export function formatRequestEvent(event: RequestEvent): string {
  const ms = Math.round(event.durationMs);
  const status =
    event.status === undefined ? '' : `${event.status} ${STATUS_CODES[event.status] ?? ''}`.trimEnd();
  const outcome =
    event.error === undefined ? status : `${status}${status === '' ? '' : ' '}(error: ${event.error})`;
  const retry = event.retryInMs === undefined ? '' : `, retrying in ${Math.round(event.retryInMs)} ms`;
  const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
  return `${event.method} ${event.url} ${outcome} in ${ms} milliseconds${attempt}${retry}`;
}

/**
 * Logs requests to `io.stderr` while the returned function has not been called (at `level` 6+;
 * below that it does nothing).
 */
export function startRequestLog(level: number, io: CliIO): () => void {
  if (level < REQUEST_LOG_LEVEL) return () => undefined;
  const onEvent = (message: unknown): void => {
    io.stderr.write(`${formatRequestEvent(message as RequestEvent)}\n`);
  };
  subscribe(REQUEST_CHANNEL, onEvent);
  return () => {
    unsubscribe(REQUEST_CHANNEL, onEvent);
  };
}
