/**
 * `kubemetrics capacity`: requests, limits, usage, allocatable and percentages per node, namespace
 * or workload, optionally with pods and containers, computed with the Kubernetes rules
 * (docs/report-rules.md). Reads the cluster in a fixed number of requests, or a snapshot.
 */
import { parseArgs } from 'node:util';
import { KubemetricsError } from '../../errors.js';
import {
  buildReport,
  capacityDelimited,
  capacityPlain,
  capacityTable,
  clusterResourceNames,
  collectRecords,
  createCollectFilter,
  namespaceExists,
  parseSortColumn,
  scopeInput,
  selectsPods,
  unknownResourcesProblem,
  type CapacityGrouping,
  type CapacityView,
  type ClusterSource,
  type ReportInput,
  type ReportScope,
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
  const scope: ReportScope = {
    namespace: values.namespace,
    labelSelector: values.selector,
    nodeLabelSelector: values['node-labels'],
  };
  const filter = createCollectFilter(scope);
  // Tables show cpu and memory unless told otherwise: a bad --sort is known before any request.
  const columns = requested ?? (structured ? undefined : ['cpu', 'memory']);
  if (view.sort !== undefined && columns !== undefined) checkSort(view.sort, by, columns);
  const wantMetrics = view.util || structured;
  const podsSelected = selectsPods(scope);

  const opened = await openSource(values, 'capacity', io);
  const progress = progressLine(io);
  try {
    const { records, info } = await collectRecords(opened.source, {
      filter,
      // Node and cluster rows take usage from NodeMetrics, unless pods are selected: then their
      // usage is the selected pods' (scope.ts), read from the PodMetrics of those pods only (a
      // namespace's list, or the label-selected list). The full PodMetrics list (the largest
      // response, ~66 MB at 150,000 pods) is read only when pod, namespace or workload rows show it.
      parts: {
        nodes: true,
        pods: true,
        nodeMetrics: wantMetrics && (structured || !podsSelected),
        podMetrics: wantMetrics && (view.pods || by !== 'node' || podsSelected),
      },
      timeoutMs: opened.timeoutMs,
      limit: opened.limit,
      signal: io.signal,
      onProgress: progress.onProgress,
    });
    progress.done();
    const input = scopeInput(records, scope);
    const empty = await emptyScope(input, scope, opened.source, {
      timeoutMs: opened.timeoutMs,
      signal: io.signal,
    });
    if (requested !== undefined) {
      const problem = unknownResourcesProblem(requested, clusterResourceNames(records));
      if (problem !== undefined) throw new UsageError(`--resources: ${problem}`, 'capacity');
    }
    if (empty !== undefined && !structured) {
      // Like kubectl get: nothing matched is a note on stderr and exit 0, never a table of zeros.
      writeLine(io.stderr, empty);
      return EXIT_OK;
    }
    if (wantMetrics && info.metricsError !== undefined) {
      writeLine(io.stderr, `warning: no usage: ${info.metricsError.message}`);
      if (info.metricsError.hint !== undefined) writeLine(io.stderr, `hint: ${info.metricsError.hint}`);
    }
    const levels: RowLevel[] = ['cluster', by];
    if (view.pods) levels.push('pod');
    if (view.containers) levels.push('container');
    const model = buildReport(input, { resources: columns, levels, scope });
    if (view.sort !== undefined) checkSort(view.sort, by, model.resourceNames);
    const resources = model.resourceNames;
    if (output === 'json' || output === 'yaml') await writeStructured(io, output, capacityPlain(model, view));
    else if (output === 'csv' || output === 'tsv') {
      io.stdout.write(capacityDelimited(model, view, resources, output === 'csv' ? ',' : '\t'));
    } else {
      const table = capacityTable(model, view, resources);
      io.stdout.write(renderTable(table.headers, table.rows));
      if (table.note !== undefined) io.stdout.write(`\n${table.note}\n`);
    }
    return EXIT_OK;
  } finally {
    progress.done();
    await opened.close();
  }
}

/** A --sort column that does not exist is a usage error (exit 2) listing the valid columns. */
function checkSort(column: string, by: CapacityGrouping, resourceNames: readonly string[]): void {
  try {
    parseSortColumn(column, { level: by, resourceNames });
  } catch (error) {
    throw new UsageError(`--sort: ${(error as Error).message}`, 'capacity');
  }
}

/**
 * Why a filtered report has nothing to show, as kubectl words it, or `undefined`. A namespace that
 * does not exist is a typo, not an empty answer: an error naming it (exit 1, as `kubectl get
 * namespace NAME` does).
 */
async function emptyScope(
  input: ReportInput,
  scope: ReportScope,
  source: ClusterSource,
  call: { timeoutMs: number | undefined; signal: AbortSignal },
): Promise<string | undefined> {
  if (scope.nodeLabelSelector !== undefined && input.nodes.length === 0) {
    return `No resources found: no node matches --node-labels ${scope.nodeLabelSelector}.`;
  }
  if (!selectsPods(scope) || input.pods.length > 0) return undefined;
  if (scope.namespace !== undefined) {
    if ((await namespaceExists(source, scope.namespace, call)) === false) {
      throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', `namespace "${scope.namespace}" not found`, {
        hint: 'kubectl get namespaces lists the namespaces; -A reports all of them.',
      });
    }
    return scope.labelSelector === undefined
      ? `No resources found in ${scope.namespace} namespace.`
      : `No resources found in ${scope.namespace} namespace: no pod matches -l ${scope.labelSelector}.`;
  }
  return `No resources found: no pod matches -l ${scope.labelSelector ?? ''}.`;
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
