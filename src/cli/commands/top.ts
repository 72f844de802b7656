/**
 * `kubemetrics top nodes|pods`: kubectl top's flags and numbers (so users can switch without
 * surprises), plus `-o json|yaml|wide` and offline `--snapshot`.
 */
import { parseArgs } from 'node:util';
import {
  collectRecords,
  createCollectFilter,
  topNodeRows,
  topNodesPlain,
  topNodesTable,
  topPodRows,
  topPodsPlain,
  topPodsTable,
  type TopSortBy,
} from '../../report/index.js';
import { KubemetricsError } from '../../errors.js';
import { EXIT_OK, type Command } from '../command.js';
import { writeLine, type CliIO } from '../io.js';
import { parseOutput, writeStructured } from '../output.js';
import { openSource, SOURCE_FLAGS } from '../source.js';
import { renderTable } from '../table.js';
import { UsageError } from '../usage-error.js';
import { extractWatch, WATCH_FLAG, watchLoop } from '../watch.js';

const FLAGS = {
  ...SOURCE_FLAGS,
  selector: { type: 'string', short: 'l' },
  'field-selector': { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  containers: { type: 'boolean' },
  sum: { type: 'boolean' },
  'sort-by': { type: 'string' },
  'show-capacity': { type: 'boolean' },
  'no-headers': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const;

const NODE_WORDS = new Set(['nodes', 'node', 'no']);
const POD_WORDS = new Set(['pods', 'pod', 'po']);
const POD_ONLY = ['namespace', 'all-namespaces', 'containers', 'sum', 'field-selector'] as const;

function parseSortBy(value: string | undefined): TopSortBy {
  if (value === undefined) return undefined;
  if (value === 'cpu' || value === 'memory') return value;
  throw new UsageError(`--sort-by must be cpu or memory, got ${JSON.stringify(value)}`, 'top');
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'top');
  }
}

async function runOnce(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args);
  const [what, name, ...extra] = positionals;
  if (what === undefined || (!NODE_WORDS.has(what) && !POD_WORDS.has(what))) {
    throw new UsageError(
      `top needs "nodes" or "pods"${what === undefined ? '' : `, got ${JSON.stringify(what)}`}`,
      'top',
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`, 'top');
  const output = parseOutput(values.output, ['wide', 'json', 'yaml'] as const, 'top');
  const sortBy = parseSortBy(values['sort-by']);
  if (name !== undefined && values.selector !== undefined) {
    throw new UsageError('give a NAME or a --selector, not both', 'top');
  }
  return NODE_WORDS.has(what)
    ? topNodes(values, name, output, sortBy, io)
    : topPods(values, name, output, sortBy, io);
}

type Values = ReturnType<typeof parse>['values'];
type Output = 'table' | 'wide' | 'json' | 'yaml';

async function topNodes(
  values: Values,
  name: string | undefined,
  output: Output,
  sortBy: TopSortBy,
  io: CliIO,
) {
  for (const flag of POD_ONLY) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to top pods only`, 'top');
  }
  const filter = createCollectFilter({ nodeLabelSelector: values.selector, nodeName: name });
  const opened = await openSource(values, 'top', io);
  try {
    const { records, info } = await collectRecords(opened.source, {
      filter,
      parts: { nodes: true, nodeMetrics: true },
      timeoutMs: opened.timeoutMs,
      limit: opened.limit,
      signal: io.signal,
    });
    // kubectl top fails outright without the metrics API: there is nothing to show.
    if (info.metricsError !== undefined) throw info.metricsError;
    const rows = topNodeRows({
      nodes: records.nodes,
      nodeMetrics: records.nodeMetrics,
      showCapacity: values['show-capacity'] === true,
      sortBy,
    });
    if (output === 'json' || output === 'yaml') {
      await writeStructured(io, output, topNodesPlain(rows));
      return EXIT_OK;
    }
    if (rows.length === 0) {
      writeLine(io.stderr, 'No resources found');
      return EXIT_OK;
    }
    const table = topNodesTable(rows, output === 'wide', values['show-capacity'] === true);
    io.stdout.write(renderTable(table.headers, table.rows, { noHeaders: values['no-headers'] === true }));
    return EXIT_OK;
  } finally {
    await opened.close();
  }
}

async function topPods(
  values: Values,
  name: string | undefined,
  output: Output,
  sortBy: TopSortBy,
  io: CliIO,
) {
  if (values['show-capacity'] !== undefined)
    throw new UsageError('--show-capacity applies to top nodes only', 'top');
  const all = values['all-namespaces'] === true;
  if (all && values.namespace !== undefined)
    throw new UsageError('give -n/--namespace or -A, not both', 'top');
  if (all && name !== undefined)
    throw new UsageError('a pod NAME needs a namespace; it cannot be used with -A', 'top');
  const opened = await openSource(values, 'top', io);
  try {
    const namespace = all ? undefined : (values.namespace ?? opened.defaultNamespace);
    const filter = createCollectFilter({
      namespace,
      podName: name,
      labelSelector: values.selector,
      fieldSelector: values['field-selector'],
    });
    for (const r of filter.podFields?.requirements ?? []) {
      if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace') {
        throw new UsageError(
          `--field-selector supports metadata.name and metadata.namespace for pod metrics, got ${r.field}`,
          'top',
        );
      }
    }
    const { records, info } = await collectRecords(opened.source, {
      filter,
      parts: { podMetrics: true },
      timeoutMs: opened.timeoutMs,
      limit: opened.limit,
      signal: io.signal,
    });
    if (info.metricsError !== undefined) throw info.metricsError;
    const rows = topPodRows({ podMetrics: records.podMetrics, sortBy, withNamespace: all });
    if (output === 'json' || output === 'yaml') {
      await writeStructured(io, output, topPodsPlain(rows));
      return EXIT_OK;
    }
    if (rows.length === 0) {
      if (name !== undefined) {
        throw new KubemetricsError('KUBEMETRICS_ERR_API', `no metrics for pod ${namespace ?? ''}/${name}`, {
          hint: 'The pod may not exist, or metrics-server has not scraped it yet (wait about a minute after it starts).',
        });
      }
      writeLine(
        io.stderr,
        all ? 'No resources found' : `No resources found in ${namespace ?? 'default'} namespace.`,
      );
      return EXIT_OK;
    }
    const table = topPodsTable(rows, {
      withNamespace: all,
      containers: values.containers === true,
      sum: values.sum === true,
      wide: output === 'wide',
    });
    io.stdout.write(renderTable(table.headers, table.rows, { noHeaders: values['no-headers'] === true }));
    return EXIT_OK;
  } finally {
    await opened.close();
  }
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const watch = extractWatch(args, 'top');
  if (watch.intervalMs === undefined) return runOnce(args, io);
  if (watch.args.some((a) => a === '--snapshot' || a.startsWith('--snapshot='))) {
    throw new UsageError(
      '--watch refreshes from a live cluster; it cannot be combined with --snapshot',
      'top',
    );
  }
  return watchLoop(io, watch, (frameIo) => runOnce(watch.args, frameIo));
}

export const topCommand: Command = { name: 'top', flags: { ...FLAGS, ...WATCH_FLAG }, run };
