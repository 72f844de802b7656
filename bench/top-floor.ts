/**
 * The Node floor of `top` in the CLI benchmark (bench/cli.bench.ts): what any Node program pays to
 * show what `kubectl top` shows, as a process of its own — Node's start, node:https (what the
 * kubemetrics binary uses for one-shot commands), one TLS connection per request in flight, the
 * GETs and a `JSON.parse` of each body; no kubeconfig, no discovery, no table. Beside kubectl it
 * shows how much of the ratio `kubemetrics top` / `kubectl top` is the runtime's rather than ours.
 *
 * `BENCH_TOP_FLOOR=nodes`: the node list (`limit=500`, paged) and the NodeMetrics list, in flight
 * together; `pods`: the PodMetrics list of every namespace. Server, CA and bearer token come in
 * BENCH_FLOOR_SERVER, BENCH_FLOOR_CA (PEM) and BENCH_FLOOR_TOKEN. Prints `{ "requests", "items",
 * "bytes" }` as one JSON line. Run with `node --input-type=module --eval` (bench/eval-script.ts).
 */
import { Agent, get } from 'node:https';

export const TOP_FLOOR_KINDS = ['nodes', 'pods'] as const;

export interface TopFloorResult {
  requests: number;
  items: number;
  bytes: number;
}

function getText(url: string, agent: Agent, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { agent, headers: { accept: 'application/json', authorization: `Bearer ${token}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode === 200) resolve(text);
          else reject(new Error(`GET ${url}: ${response.statusCode} ${text.slice(0, 200)}`));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

async function readList(
  server: string,
  path: string,
  paged: boolean,
  agent: Agent,
  token: string,
  total: TopFloorResult,
): Promise<void> {
  let next: string | undefined;
  do {
    const query = paged
      ? `?limit=500${next === undefined ? '' : `&continue=${encodeURIComponent(next)}`}`
      : '';
    const text = await getText(`${server}${path}${query}`, agent, token);
    const page = JSON.parse(text) as { metadata?: { continue?: string }; items: unknown[] };
    total.requests += 1;
    total.items += page.items.length;
    total.bytes += Buffer.byteLength(text);
    next = paged && page.metadata?.continue ? page.metadata.continue : undefined;
  } while (next !== undefined);
}

async function main(kind: string): Promise<void> {
  const { BENCH_FLOOR_SERVER: server, BENCH_FLOOR_CA: ca, BENCH_FLOOR_TOKEN: token } = process.env;
  if (server === undefined || ca === undefined || token === undefined) {
    throw new Error('set BENCH_FLOOR_SERVER, BENCH_FLOOR_CA and BENCH_FLOOR_TOKEN');
  }
  if (!(TOP_FLOOR_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`BENCH_TOP_FLOOR must be one of ${TOP_FLOOR_KINDS.join(', ')}`);
  }
  const agent = new Agent({ keepAlive: true, ca });
  const total: TopFloorResult = { requests: 0, items: 0, bytes: 0 };
  await (kind === 'nodes'
    ? Promise.all([
        readList(server, '/api/v1/nodes', true, agent, token, total),
        readList(server, '/apis/metrics.k8s.io/v1beta1/nodes', false, agent, token, total),
      ])
    : readList(server, '/apis/metrics.k8s.io/v1beta1/pods', false, agent, token, total));
  agent.destroy();
  process.stdout.write(`${JSON.stringify(total)}\n`);
}

// Only as a process of its own (the benchmark's --eval), never when imported for its types.
const kind = process.env.BENCH_TOP_FLOOR;
if (kind !== undefined) await main(kind);
