/**
 * The floor of the CLI benchmark (bench/cli.bench.ts): the least a `capacity --util` reader has to
 * do over HTTP, as a process of its own — page every node and every non-terminal pod once
 * (`limit=500` + `continue`, the pod field selector `kubectl describe node` uses), read the
 * NodeMetrics and PodMetrics lists, and `JSON.parse` every body. Nothing is kept, sorted or printed:
 * each page is parsed, its items counted and dropped. Prints one JSON line on stdout:
 * `{ "requests", "items", "bytes", "retries" }`.
 *
 * Two ways to read, chosen by BENCH_FLOOR_MODE:
 * - `sequential`: one request at a time (the naive reader).
 * - `concurrent`: the four lists in flight at once (each list's pages still follow one another:
 *   a `continue` token comes with the previous page), as a client with one connection per list
 *   would; the API server serves lists in parallel, so this is a fair way to read a real cluster.
 *
 * The benchmark does not load tsx into the measured process: it transpiles this file and runs it
 * with `node --input-type=module --eval`, passing the server, CA and bearer token in BENCH_FLOOR_SERVER,
 * BENCH_FLOOR_CA (PEM) and BENCH_FLOOR_TOKEN.
 */
import { Agent, request } from 'undici';

export const FLOOR_MODES = ['sequential', 'concurrent'] as const;
export type FloorMode = (typeof FLOOR_MODES)[number];

/** What the floor prints: how much it read, so the benchmark can tell a real run from a failed one. */
export interface FloorResult {
  requests: number;
  items: number;
  bytes: number;
  /** GETs sent again after a connection reset. */
  retries: number;
}

/** The field selector of `kubectl describe node`'s pod list (describe.go, `describeNode`). */
const NON_TERMINAL = 'status.phase!=Succeeded,status.phase!=Failed';
const LISTS = [
  { path: '/api/v1/nodes', paged: true },
  { path: `/api/v1/pods?fieldSelector=${encodeURIComponent(NON_TERMINAL)}`, paged: true },
  { path: '/apis/metrics.k8s.io/v1beta1/nodes', paged: false },
  { path: '/apis/metrics.k8s.io/v1beta1/pods', paged: false },
];

interface List {
  metadata?: { continue?: string };
  items: unknown[];
}

/**
 * One GET, sent again once when the connection was reset: a keep-alive connection can be closed by
 * the server while this process is busy parsing a large body, and client-go retries a GET after a
 * connection reset too (rest/request.go, `IsConnectionReset` in its retry check).
 */
async function getRetryingOnReset(
  url: string,
  dispatcher: Agent,
  headers: Record<string, string>,
  total: FloorResult,
): Promise<{ statusCode: number; text: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await request(url, { dispatcher, headers });
      return { statusCode: response.statusCode, text: await response.body.text() };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt > 1 || (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')) throw error;
      total.retries += 1;
    }
  }
}

async function readList(
  server: string,
  dispatcher: Agent,
  headers: Record<string, string>,
  list: (typeof LISTS)[number],
  total: FloorResult,
): Promise<void> {
  let token: string | undefined;
  do {
    const query = list.paged
      ? `limit=500${token === undefined ? '' : `&continue=${encodeURIComponent(token)}`}`
      : '';
    const separator = list.path.includes('?') ? '&' : '?';
    const url = `${server}${list.path}${query === '' ? '' : separator + query}`;
    const { statusCode, text } = await getRetryingOnReset(url, dispatcher, headers, total);
    if (statusCode !== 200) throw new Error(`GET ${url}: ${statusCode} ${text.slice(0, 200)}`);
    const page = JSON.parse(text) as List;
    total.requests += 1;
    total.items += page.items.length;
    total.bytes += Buffer.byteLength(text);
    token = list.paged && page.metadata?.continue ? page.metadata.continue : undefined;
  } while (token !== undefined);
}

async function main(): Promise<void> {
  const { BENCH_FLOOR_SERVER: server, BENCH_FLOOR_CA: ca, BENCH_FLOOR_TOKEN: token } = process.env;
  const mode = process.env.BENCH_FLOOR_MODE;
  if (
    server === undefined ||
    ca === undefined ||
    token === undefined ||
    !FLOOR_MODES.includes(mode as FloorMode)
  ) {
    throw new Error(
      `set BENCH_FLOOR_SERVER, BENCH_FLOOR_CA, BENCH_FLOOR_TOKEN and BENCH_FLOOR_MODE (${FLOOR_MODES.join('|')})`,
    );
  }
  const dispatcher = new Agent({ connect: { ca } });
  const headers = { accept: 'application/json', authorization: `Bearer ${token}` };
  const total: FloorResult = { requests: 0, items: 0, bytes: 0, retries: 0 };
  if (mode === 'concurrent') {
    await Promise.all(LISTS.map((list) => readList(server, dispatcher, headers, list, total)));
  } else {
    for (const list of LISTS) await readList(server, dispatcher, headers, list, total);
  }
  await dispatcher.close();
  process.stdout.write(`${JSON.stringify(total)}\n`);
}

// Only as a process of its own (the benchmark's --eval), never when imported for its types.
if (process.env.BENCH_FLOOR_MODE !== undefined) await main();
