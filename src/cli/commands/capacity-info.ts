/**
 * `kubemetrics capacity` as `--help` and completion see it; the implementation (capacity.ts) is imported
 * only when the command runs.
 */
import type { CommandInfo } from '../command.js';
import { SOURCE_FLAGS_HELP } from '../source.js';

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
      --by node|namespace|workload  Rows per node (default), namespace or workload (Deployment, StatefulSet, ...)
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
  -o, --output table|wide|json|yaml|csv|tsv  Output format (default table; wide adds allocatable)
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

export const capacityInfo: CommandInfo = {
  name: 'capacity',
  summary: 'Requests, limits, usage and allocatable per node, namespace or workload',
  help: HELP,
  words: [],
  load: async () => (await import('./capacity.js')).capacityCommand,
};
