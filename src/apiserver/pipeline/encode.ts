/**
 * The last stage of the pipeline: an {@link Answer} onto the wire. A matching `If-None-Match`
 * gets 304; JSON values the encoder built are written by the direct serializer (wire-serializer.ts)
 * unless `?pretty` asks for indentation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serializeEncoded } from '../encoding/wire-serializer.js';
import type { Answer } from '../handlers/handler-context.js';
import { sendBody, sendJson } from './response.js';

export function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer, pretty: boolean): void {
  let fast: Buffer | undefined;
  const etag = answer.headers?.['ETag'];
  if (etag !== undefined && req.headers['if-none-match'] === etag && (answer.code ?? 200) === 200) {
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache, private', ...answer.headers });
      res.end();
    }
    return;
  }
  if (answer.kind === 'text') sendBody(res, answer.code, answer.body, answer.contentType, answer.headers);
  else if (!pretty && (fast = serializeEncoded(answer.value)) !== undefined)
    sendBody(res, answer.code ?? 200, fast, answer.contentType ?? 'application/json', answer.headers);
  else
    sendJson(res, answer.code ?? 200, answer.value, {
      pretty,
      contentType: answer.contentType,
      headers: answer.headers,
    });
}
