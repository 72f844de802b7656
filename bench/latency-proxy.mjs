// A TCP proxy that delays every chunk by a fixed time in each direction, for
// `BENCH_CLI_LATENCY_MS` in bench/cli.bench.ts: the commands then meet the test cluster over a
// network with round trips of twice that, as they meet a real API server, instead of over a
// loopback where a round trip costs nothing. TLS passes through untouched (the server's
// certificate is for 127.0.0.1, where this listens too).
//
//     node bench/latency-proxy.mjs TARGET_PORT ONE_WAY_MS
//
// Listens on 127.0.0.1, a free port, and prints `{"port": N}` once it does; runs until killed.
// Order within a connection is kept: every chunk waits the same time, and timers of equal delay
// fire in the order they were set.
import { connect, createServer } from 'node:net';
import { setTimeout } from 'node:timers';

const [targetPort, oneWayMs] = process.argv.slice(2).map(Number);
if (!Number.isInteger(targetPort) || !(oneWayMs >= 0)) {
  process.stderr.write('usage: node bench/latency-proxy.mjs TARGET_PORT ONE_WAY_MS\n');
  process.exit(2);
}

function delayed(from, to) {
  from.on('data', (chunk) => setTimeout(() => to.write(chunk), oneWayMs));
  // An end or a reset travels as late as the data before it.
  from.on('end', () => setTimeout(() => to.end(), oneWayMs));
}

const server = createServer((client) => {
  const upstream = connect(targetPort, '127.0.0.1');
  delayed(client, upstream);
  delayed(upstream, client);
  const close = () => setTimeout(() => (client.destroy(), upstream.destroy()), oneWayMs);
  for (const socket of [client, upstream]) {
    socket.on('error', close);
    socket.on('close', close);
  }
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
