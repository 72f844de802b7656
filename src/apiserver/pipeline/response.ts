/**
 * Writing answers with the headers kube-apiserver sends: JSON bodies (`Cache-Control: no-cache,
 * private`, `Audit-Id`, `X-Content-Type-Options: nosniff`), Status objects for errors, `text/plain` for health checks. Writes are
 * skipped once the client is gone, so a late provider answer never throws.
 */
import type { ServerResponse } from 'node:http';
import type { Status } from '../../api/index.js';

/** Sends `body` (already serialized) unless the response was already sent or the socket is gone. */
export function sendBody(
  res: ServerResponse,
  code: number,
  body: string | Buffer,
  contentType: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed || res.writableEnded) return;
  res.writeHead(code, {
    'Cache-Control': 'no-cache, private',
    // Every answer is JSON or plain text; a browser must never guess HTML from it.
    'X-Content-Type-Options': 'nosniff',
    ...headers,
    'Content-Type': contentType,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
  });
  res.end(body);
}

/** Sends a JSON value; `pretty` indents it as `?pretty=true` asks. */
export function sendJson(
  res: ServerResponse,
  code: number,
  value: unknown,
  options: { pretty?: boolean; contentType?: string; headers?: Readonly<Record<string, string>> } = {},
): void {
  const body = options.pretty === true ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value);
  sendBody(res, code, body, options.contentType ?? 'application/json', options.headers);
}

/** Sends a Status with its own `code` as the HTTP status. */
export function sendStatus(
  res: ServerResponse,
  status: Status,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status.code, status, { headers });
}
