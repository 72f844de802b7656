/**
 * The HTTP(S) side of the test cluster: one request pipeline — record, injected faults,
 * authentication (401), authorization (403), routing — behind a Node `http` or `https` server that
 * asks for (but does not require) client certificates signed by the cluster CA.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { failureStatus } from '../api/index.js';
import { forbiddenStatus, impersonate, unauthorizedStatus, type Authenticator } from './auth.js';
import type { FaultInjector } from './faults.js';
import { requestInfoFor } from './request-info.js';
import { sendStatus } from './response.js';
import { isReview, serveReview } from './reviews.js';
import { forwardAggregated, route, type RouterContext } from './router.js';

/** One request as the cluster saw it. */
export interface RequestRecord {
  readonly method: string;
  /** Path and query as sent, e.g. `/api/v1/pods?limit=500`. */
  readonly url: string;
  /** Authenticated user name; absent for requests rejected before authentication. */
  readonly user?: string;
  /** HTTP status answered; 0 while no header was written or when the connection was reset. */
  readonly status: number;
}

interface MutableRecord {
  method: string;
  url: string;
  user?: string;
  status: number;
}

export interface PipelineParts {
  readonly router: RouterContext;
  readonly authenticator: Authenticator;
  readonly faults: FaultInjector;
  readonly log: RequestRecord[];
}

export function handleRequest(parts: PipelineParts, req: IncomingMessage, res: ServerResponse): void {
  const record: MutableRecord = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0 };
  parts.log.push(record);
  // Every answer (ours, a registered API service's, Node's implicit headers) passes writeHead.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = (...args: unknown[]) => {
    if (typeof args[0] === 'number') record.status = args[0];
    return writeHead(...args);
  };

  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://test-cluster.invalid');
  } catch {
    return sendStatus(res, failureStatus(400, `malformed request URL ${JSON.stringify(req.url)}`));
  }

  const injected = parts.faults.apply(url, res);
  if (injected !== undefined) return;

  const requester = parts.authenticator.authenticate(req);
  if (requester === undefined) return sendStatus(res, unauthorizedStatus());
  const user = impersonate(parts.authenticator, req, requester);
  if ('code' in user) return sendStatus(res, user);
  record.user = user.name;

  const info = requestInfoFor(req.method ?? 'GET', url);
  if (!parts.authenticator.authorize(user, info)) return sendStatus(res, forbiddenStatus(user, info));

  try {
    if (isReview(info)) return serveReview(parts.authenticator, info, req, res, user);
    if (forwardAggregated(parts.router, url.pathname, user, req, res)) return;
    route(parts.router, info, url, req, res);
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error instanceof Error ? error : undefined);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    sendStatus(res, failureStatus(500, `internal error in the test cluster: ${message}`));
  }
}

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  /** Server key pair and the CA that verifies client certificates; absent = plain HTTP. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string; readonly caPem: string } | undefined;
}

const ALL_SOCKETS = Symbol('all sockets');

/** Closes a server from {@link listen}: no new connections, and every open one ended now. */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    const sockets = (server as Server & { [ALL_SOCKETS]?: Set<Socket> })[ALL_SOCKETS];
    for (const socket of sockets ?? []) socket.destroy();
  });
}

/** Starts listening; resolves with the server and the bound port. */
export async function listen(
  options: ListenOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; port: number }> {
  const server: Server =
    options.tls === undefined
      ? createHttpServer(handler)
      : createHttpsServer(
          {
            cert: options.tls.certPem,
            key: options.tls.keyPem,
            ca: [options.tls.caPem],
            requestCert: true,
            rejectUnauthorized: false,
          },
          handler,
        );
  // Long watches must not be cut by Node's default request timeout.
  server.requestTimeout = 0;
  // Every socket from its first byte, for stop: closeAllConnections() only knows connections that
  // reached HTTP, not one still in its TLS handshake (a client that gave up on a request while
  // connecting may finish the handshake later), and server.close() would wait for it forever.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.once('close', () => sockets.clear());
  Object.defineProperty(server, ALL_SOCKETS, { value: sockets });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
