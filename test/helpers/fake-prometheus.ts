/**
 * A stand-in for Prometheus on 127.0.0.1 for unit tests of the Prometheus provider: records every
 * request (method, path, query or form parameters, headers) and answers through a handler.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly search: string;
  readonly body: string;
  /** The query string, or the form body of a POST. */
  readonly params: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

export type Handler = (request: Recorded, response: ServerResponse) => void | Promise<void>;

/** A stand-in for Prometheus on 127.0.0.1: records every request, answers through `handler`. */
export async function fakePrometheus(handler: Handler) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = Buffer.concat(chunks).toString('utf8');
      const recorded: Recorded = {
        method: req.method ?? '',
        path: url.pathname,
        search: url.search,
        body,
        params: req.method === 'POST' ? new URLSearchParams(body) : url.searchParams,
        headers: req.headers,
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, res)).catch((error: unknown) => res.destroy(error as Error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, port, requests, close };
}
