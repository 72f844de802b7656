/**
 * A TCP proxy on 127.0.0.1 that tests control, to play the network faults a real cluster has
 * between a client and its API server (TLS passes through untouched):
 *
 * - `pass`: forward both ways (the default);
 * - `freeze()`: stop forwarding on every connection, old and new, but keep the sockets open — a
 *   frozen proxy or a dead node in between: the client sees a half-open connection, no error;
 * - `blackhole()`: new connections are accepted and never forwarded (existing ones keep working);
 * - `cutAll()`: destroy every open connection once (a proxy restart, a load balancer's cut);
 * - `cutAfter(ms)`: from now on, every connection is destroyed `ms` after it opened (a proxy that
 *   cuts long requests, such as watches).
 *
 * `pass()` ends a freeze or blackhole and forwards what was held back.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

type Mode = 'pass' | 'freeze' | 'blackhole';

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
  /** Data read while frozen, per direction, forwarded on `pass()`. */
  readonly held: { toUpstream: Buffer[]; toClient: Buffer[] };
}

export interface TcpProxy {
  /** e.g. `127.0.0.1:41234`. */
  readonly address: string;
  readonly port: number;
  /** Connections accepted since start. */
  readonly connections: number;
  pass(): void;
  freeze(): void;
  blackhole(): void;
  cutAll(): void;
  cutAfter(ms: number | undefined): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: Mode = 'pass';
  let cutAfterMs: number | undefined;
  let connections = 0;
  const pairs = new Set<Pair>();

  const forward = (pair: Pair, chunk: Buffer, toUpstream: boolean): void => {
    if (mode === 'freeze' || pair.upstream === undefined) {
      (toUpstream ? pair.held.toUpstream : pair.held.toClient).push(chunk);
      return;
    }
    (toUpstream ? pair.upstream : pair.client).write(chunk);
  };

  const connectUpstream = (pair: Pair): void => {
    const upstream = createConnection(target);
    pair.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => forward(pair, chunk, false));
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
    for (const chunk of pair.held.toUpstream.splice(0)) upstream.write(chunk);
  };

  const server: Server = createServer((client) => {
    connections++;
    const pair: Pair = { client, upstream: undefined, held: { toUpstream: [], toClient: [] } };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => forward(pair, chunk, true));
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (mode === 'pass') connectUpstream(pair);
    if (cutAfterMs !== undefined) setTimeout(() => client.destroy(), cutAfterMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    address: `127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    pass() {
      mode = 'pass';
      for (const pair of pairs) {
        if (pair.upstream === undefined) connectUpstream(pair);
        else for (const chunk of pair.held.toUpstream.splice(0)) pair.upstream.write(chunk);
        for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
      }
    },
    freeze() {
      mode = 'freeze';
    },
    blackhole() {
      mode = 'blackhole';
    },
    cutAll() {
      for (const pair of pairs) pair.client.destroy();
    },
    cutAfter(ms) {
      cutAfterMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) pair.client.destroy();
        server.close(() => resolve());
      }),
  };
}
