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
import { openSource, SOURCE_FLAGS, SOURCE_FLAGS_HELP } from '../source.js';
import { renderTable } from '../table.js';
import { UsageError } from '../usage-error.js';
import { extractWatch, watchLoop } from '../watch.js';

const HELP = `Show requests, limits, usage and allocatable per node, namespace or workload.

Usage:
  kubemetrics capacity [--by node|namespace|workload] [--pods] [--containers] [--util]
                       [-n namespace | -A] [-l selector] [--node-labels selector]
                       [--resources cpu,memory,...] [--sort column] [--show-capacity]
                       [-o table|wide|json|yaml|csv|tsv]

Requests and limits follow the Kubernetes rules (what the scheduler and kubectl describe node use):
sidecar (restartable init) containers add up, each init container needs its own request plus the
sidecars before it, pod-level resources replace the container sum, RuntimeClass overhead is added,
and terminal pods hold nothing. Usage comes from metrics.k8s.io; a pod or node without metrics
shows "no metrics", never 0.

Flags:
      --by GROUP                Rows per node (default), namespace or workload (Deployment, StatefulSet, ...)
      --pods                    List each group's pods under it
      --containers              List each pod's containers under it (implies --pods)
      --util                    Add usage columns (from metrics.k8s.io)
  -n, --namespace NAME          Only pods of this namespace (node totals, usage included, then cover only those pods)
  -A, --all-namespaces          All namespaces (the default)
  -l, --selector SELECTOR       Only pods matching this label selector (same: rows sum those pods)
      --node-labels SELECTOR    Only nodes matching this label selector (and the pods on them)
      --resources LIST          Resource columns, e.g. cpu,memory,nvidia.com/gpu (tables default to cpu,memory;
                                json/yaml/csv to every resource seen)
      --sort COLUMN             Sort rows: name, pods, cpu, memory%, requests.cpu, limits.memory%, usage.cpu%, ...
      --show-capacity           Percentages of capacity instead of allocatable
  -o, --output FORMAT           table (default), wide (adds allocatable), json, yaml, csv or tsv
  -w, --watch [INTERVAL]        Refresh every INTERVAL (default 5s), redrawing in place and marking changed rows

${SOURCE_FLAGS_HELP}

Percentages: node and cluster rows show requests, limits and usage as a share of allocatable; pod and
group rows show usage as a share of requests. Tables print them as kubectl does (whole percent,
truncated: kubectl describe node's 75% is our 75%); JSON/YAML/CSV carry the exact value and raw
numbers in base units (cores, bytes) next to canonical quantities.

Scope: with -n or -l every row is a set of the selected pods, usage included (their PodMetrics; the
whole node's usage stays in JSON as nodeUsage); allocatable is always whole nodes. A filtered table
says so in a Scope line under it. A filter that matches nothing prints kubectl's "No resources
found" (a namespace that does not exist is an error); a --resources name the cluster does not have
is a usage error naming the ones it has.

Examples:
  kubemetrics capacity --util
  kubemetrics capacity --by namespace --sort requests.cpu
  kubemetrics capacity --pods --util --node-labels node-role.kubernetes.io/worker
  kubemetrics capacity --by workload -n shop -o csv > shop.csv
  kubemetrics capacity --snapshot prod.json.gz --util
  kubemetrics capacity --util --watch 30s`;

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
    if (output === 'json' || output === 'yaml') writeStructured(io, output, capacityPlain(model, view));
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
  return watchLoop(io, watch.intervalMs, (frameIo) => runOnce(watch.args, frameIo));
}

export const capacityCommand: Command = {
  name: 'capacity',
  summary: 'Requests, limits, usage and allocatable per node, namespace or workload',
  help: HELP,
  run,
};
