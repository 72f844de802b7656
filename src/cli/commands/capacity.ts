/**
 * `kubemetrics capacity`: requests, limits, usage, allocatable and percentages per node, namespace
 * or workload, optionally with pods and containers, computed with the Kubernetes rules
 * (docs/report-rules.md). Reads the cluster in a fixed number of requests, or a snapshot.
 */
import { parseArgs } from 'node:util';
import {
  buildReport,
  capacityDelimited,
  capacityPlain,
  capacityTable,
  collectRecords,
  createCollectFilter,
  parseSortColumn,
  type CapacityGrouping,
  type CapacityView,
  type RowLevel,
} from '../../report/index.js';
import { EXIT_OK, type Command } from '../command.js';
import { writeLine, type CliIO } from '../io.js';
import { parseOutput, writeStructured } from '../output.js';
import { progressLine } from '../progress.js';
import { openSource, SOURCE_FLAGS } from '../source.js';
import { renderTable } from '../table.js';
import { UsageError } from '../usage-error.js';
import { extractWatch, WATCH_FLAG, watchLoop } from '../watch.js';

const FLAGS = {
  ...SOURCE_FLAGS,
  by: { type: 'string' },
  pods: { type: 'boolean' },
  containers: { type: 'boolean' },
  util: { type: 'boolean' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  selector: { type: 'string', short: 'l' },
  'node-labels': { type: 'string' },
  resources: { type: 'string' },
  sort: { type: 'string' },
  'show-capacity': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const;

const GROUPINGS: readonly CapacityGrouping[] = ['node', 'namespace', 'workload'];

function parseResources(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) {
    throw new UsageError(
      `--resources must be a comma-separated list of resource names, got ${JSON.stringify(text)}`,
      'capacity',
    );
  }
  return names;
}

async function runOnce(args: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'capacity');
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`, 'capacity');
  const by = (values.by ?? 'node') as CapacityGrouping;
  if (!GROUPINGS.includes(by)) {
    throw new UsageError(
      `--by must be one of ${GROUPINGS.join(', ')}, got ${JSON.stringify(values.by)}`,
      'capacity',
    );
  }
  if (values['all-namespaces'] === true && values.namespace !== undefined) {
    throw new UsageError('give -n/--namespace or -A, not both', 'capacity');
  }
  const output = parseOutput(values.output, ['wide', 'json', 'yaml', 'csv', 'tsv'] as const, 'capacity');
  const structured = output === 'json' || output === 'yaml' || output === 'csv' || output === 'tsv';
  const containers = values.containers === true;
  const view: CapacityView = {
    by,
    pods: values.pods === true || containers,
    containers,
    util: values.util === true,
    wide: output === 'wide',
    ofCapacity: values['show-capacity'] === true,
    sort: values.sort,
  };
  const requested = parseResources(values.resources);
  const filter = createCollectFilter({
    namespace: values.namespace,
    labelSelector: values.selector,
    nodeLabelSelector: values['node-labels'],
  });
  const wantMetrics = view.util || structured;

  const opened = await openSource(values, 'capacity', io);
  const progress = progressLine(io);
  try {
    const { records, info } = await collectRecords(opened.source, {
      filter,
      // Node and cluster rows take usage from NodeMetrics; the PodMetrics list (the largest
      // response, ~66 MB at 150,000 pods) is read only when pod, namespace or workload rows show it.
      parts: {
        nodes: true,
        pods: true,
        nodeMetrics: wantMetrics,
        podMetrics: wantMetrics && (view.pods || by !== 'node'),
      },
      timeoutMs: opened.timeoutMs,
      limit: opened.limit,
      signal: io.signal,
      onProgress: progress.onProgress,
    });
    progress.done();
    if (wantMetrics && info.metricsError !== undefined) {
      writeLine(io.stderr, `warning: no usage: ${info.metricsError.message}`);
      if (info.metricsError.hint !== undefined) writeLine(io.stderr, `hint: ${info.metricsError.hint}`);
    }
    // With --node-labels, pods count only where they run: on the selected nodes.
    const pods =
      filter.nodeLabels === undefined
        ? records.pods
        : ((names) => records.pods.filter((p) => p.nodeName !== undefined && names.has(p.nodeName)))(
            new Set(records.nodes.map((n) => n.name)),
          );
    const levels: RowLevel[] = ['cluster', by];
    if (view.pods) levels.push('pod');
    if (view.containers) levels.push('container');
    const model = buildReport(
      { nodes: records.nodes, pods, nodeMetrics: records.nodeMetrics, podMetrics: records.podMetrics },
      { resources: requested ?? (structured ? undefined : ['cpu', 'memory']), levels },
    );
    if (view.sort !== undefined) {
      // Validate against the group level up front: a typo lists the valid columns.
      parseSortColumn(view.sort, { level: by, resourceNames: model.resourceNames });
    }
    const resources = model.resourceNames;
    if (output === 'json' || output === 'yaml') writeStructured(io, output, capacityPlain(model, view));
    else if (output === 'csv' || output === 'tsv') {
      io.stdout.write(capacityDelimited(model, view, resources, output === 'csv' ? ',' : '\t'));
    } else {
      const table = capacityTable(model, view, resources);
      io.stdout.write(renderTable(table.headers, table.rows));
    }
    return EXIT_OK;
  } finally {
    progress.done();
    await opened.close();
  }
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const watch = extractWatch(args, 'capacity');
  if (watch.intervalMs === undefined) return runOnce(args, io);
  if (watch.args.some((a) => a === '--snapshot' || a.startsWith('--snapshot='))) {
    throw new UsageError(
      '--watch refreshes from a live cluster; it cannot be combined with --snapshot',
      'capacity',
    );
  }
  return watchLoop(io, watch, (frameIo) => runOnce(watch.args, frameIo));
}

export const capacityCommand: Command = { name: 'capacity', flags: { ...FLAGS, ...WATCH_FLAG }, run };
