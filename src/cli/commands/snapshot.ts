/**
 * `kubemetrics snapshot save FILE`: capture everything reports read (nodes, non-terminal pods,
 * node and pod metrics, the server version) so every read command can run offline with
 * `--snapshot FILE`. `snapshot info FILE` summarizes a saved one.
 */
import { parseArgs } from 'node:util';
import {
  collectCluster,
  createCollectFilter,
  createSnapshotSink,
  encodeSnapshot,
  parseSnapshot,
  readSnapshot,
  SNAPSHOT_API_VERSION,
  SNAPSHOT_KIND,
  writeSnapshot,
  type Snapshot,
} from '../../report/index.js';
import { CLUSTER_FLAGS, clusterOptions, connect } from '../cluster-options.js';
import { EXIT_OK, type Command } from '../command.js';
import { writeLine, type CliIO } from '../io.js';
import { progressLine } from '../progress.js';
import { parseChunkSize } from '../source.js';
import { UsageError } from '../usage-error.js';

/** Names that mean "write to standard output" rather than a file. */
const STDOUT_NAMES = new Set(['-', '/dev/stdout']);

const FLAGS = {
  ...CLUSTER_FLAGS,
  namespace: { type: 'string', short: 'n' },
  selector: { type: 'string', short: 'l' },
  'node-labels': { type: 'string' },
  'chunk-size': { type: 'string' },
} as const;

/** All of standard input; a caller without one (an in-process run) is told so. */
async function readAll(io: CliIO, what: string): Promise<Buffer> {
  if (io.stdin === undefined) throw new UsageError(`${what}: no standard input to read`, 'snapshot');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'snapshot');
  }
  const { values, positionals } = parsed;
  const [action, file, ...extra] = positionals;
  if ((action !== 'save' && action !== 'info') || file === undefined || extra.length > 0) {
    throw new UsageError('expected "snapshot save FILE" or "snapshot info FILE"', 'snapshot');
  }
  if (action === 'info') {
    // `-` is standard input, as for `snapshot save -`: `... | kubemetrics snapshot info -`. The
    // bytes are read from the stream (a pipe, a redirected file; any platform) and decoded like a
    // file's, gzip included (detected by its magic bytes).
    const snapshot =
      file === '-'
        ? await parseSnapshot(await readAll(io, 'snapshot info -'), '- (standard input)')
        : await readSnapshot(file);
    const v = snapshot.kubernetesVersion?.gitVersion ?? 'unknown version';
    writeLine(
      io.stdout,
      `${file}: taken ${snapshot.collectedAt} from ${snapshot.source.server ?? 'unknown server'} (${v})`,
    );
    writeLine(
      io.stdout,
      `  ${snapshot.nodes.length} nodes, ${snapshot.pods.length} pods, metrics for ${snapshot.nodeMetrics.length} nodes and ${snapshot.podMetrics.length} pods`,
    );
    if (snapshot.metricsError !== undefined)
      writeLine(io.stdout, `  no metrics: ${snapshot.metricsError.message}`);
    return EXIT_OK;
  }
  const options = clusterOptions(values, 'snapshot');
  const filter = createCollectFilter({
    namespace: values.namespace,
    labelSelector: values.selector,
    nodeLabelSelector: values['node-labels'],
  });
  const client = await connect(options, io);
  const progress = progressLine(io);
  try {
    const sink = createSnapshotSink();
    const info = await collectCluster(client, sink, {
      filter,
      parts: { nodes: true, pods: true, nodeMetrics: true, podMetrics: true, version: true },
      timeoutMs: options.timeoutMs,
      limit: parseChunkSize(values['chunk-size'], 'snapshot'),
      signal: io.signal,
      onProgress: progress.onProgress,
    });
    progress.done();
    const snapshot: Snapshot = {
      kind: SNAPSHOT_KIND,
      apiVersion: SNAPSHOT_API_VERSION,
      collectedAt: info.collectedAt,
      source: { server: client.context.server, context: client.context.contextName },
      kubernetesVersion: info.kubernetesVersion,
      metricsVersion: info.metricsVersion,
      metricsError:
        info.metricsError === undefined
          ? undefined
          : { message: info.metricsError.message, hint: info.metricsError.hint },
      nodes: sink.nodes,
      pods: sink.pods,
      nodeMetrics: sink.nodeMetricsItems,
      podMetrics: sink.podMetricsItems,
    };
    // `-` (and /dev/stdout, which names the same thing) is the command's own output: written
    // through io.stdout, so it reaches a pipe whole, and the summary goes to stderr instead.
    const toStdout = STDOUT_NAMES.has(file);
    if (toStdout) io.stdout.write(encodeSnapshot(snapshot, false));
    else await writeSnapshot(file, snapshot);
    writeLine(
      toStdout ? io.stderr : io.stdout,
      `saved ${toStdout ? 'to standard output' : file}: ${sink.nodes.length} nodes, ${sink.pods.length} pods, metrics for ${sink.nodeMetricsItems.length} nodes and ${sink.podMetricsItems.length} pods`,
    );
    if (info.metricsError !== undefined) {
      writeLine(io.stderr, `warning: saved without metrics: ${info.metricsError.message}`);
      if (info.metricsError.hint !== undefined) writeLine(io.stderr, `hint: ${info.metricsError.hint}`);
    }
    return EXIT_OK;
  } finally {
    progress.done();
    await client.close();
  }
}

export const snapshotCommand: Command = { name: 'snapshot', flags: FLAGS, run };
