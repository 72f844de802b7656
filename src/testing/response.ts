/** Writing answers: JSON bodies with the API server's headers, and errors as `Status` objects. */
import type { ServerResponse } from 'node:http';
import { failureStatus, type Status, type StatusDetails } from '../api/index.js';

/** Sends a JSON text (already serialized) with status `code`. */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Sends a Failure `Status` with its own `code` as the HTTP status. */
export function sendStatus(res: ServerResponse, status: Status, headers: Record<string, string> = {}): void {
  sendJson(res, status.code, JSON.stringify(status), headers);
}

/** `<resource> "<name>" not found`, as the API server says it. */
export function notFoundStatus(qualifiedResource: string, name: string, details: StatusDetails): Status {
  return failureStatus(404, `${qualifiedResource} "${name}" not found`, details);
}

/** The API server's answer for a path no handler serves. */
export function unknownPathStatus(): Status {
  return failureStatus(404, 'the server could not find the requested resource', {});
}

export function methodNotAllowedStatus(): Status {
  return failureStatus(405, 'the server does not allow this method on the requested resource', {});
}

export function badRequestStatus(message: string): Status {
  return failureStatus(400, message);
}
