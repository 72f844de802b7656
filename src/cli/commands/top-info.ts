/**
 * `kubemetrics top` as `--help` and completion see it; the implementation (top.ts) is imported
 * only when the command runs.
 */
import type { CommandInfo } from '../command.js';
import { SOURCE_FLAGS_HELP } from '../source.js';

const HELP = `Display resource (CPU/memory) usage of nodes or pods, like kubectl top.

Usage:
  kubemetrics top nodes [NAME] [-l selector] [--sort-by cpu|memory] [--show-capacity] [--no-headers] [-o json|yaml|wide]
  kubemetrics top pods [NAME] [-n namespace | -A] [-l selector] [--field-selector selector]
                       [--containers] [--sort-by cpu|memory] [--sum] [--no-headers] [-o json|yaml|wide]

Flags:
  -l, --selector SELECTOR       Label selector (=, ==, !=, in, notin, exists, !key)
      --field-selector SELECTOR Pods only: metadata.name / metadata.namespace (as the metrics API supports)
  -n, --namespace NAME          Pods only: namespace (default: the context's namespace)
  -A, --all-namespaces          Pods only: every namespace
      --containers              Pods only: one line per container
      --sum                     Pods only: print the sum of the usage
      --sort-by cpu|memory      Sort by usage, highest first (default: by name)
      --show-capacity           Nodes only: percentages of capacity instead of allocatable
      --no-headers              Omit the header line
  -o, --output table|wide|json|yaml  Output format (default table)
  -w, --watch [INTERVAL]        Refresh every INTERVAL (default 5s), redrawing in place and marking changed rows

${SOURCE_FLAGS_HELP}

Numbers are computed as kubectl computes them: cpu in whole millicores rounded up, memory in Mi
(bytes / 2^20, truncated), node percentages of allocatable, truncated. Nodes without metrics show
<unknown>.

Examples:
  kubemetrics top nodes --sort-by cpu
  kubemetrics top pods -A -l app=web --sum
  kubemetrics top pods -n kube-system --containers -o json
  kubemetrics top nodes --snapshot prod.json.gz
  kubemetrics top pods -n shop --watch 10s`;

export const topInfo: CommandInfo = {
  name: 'top',
  summary: 'Resource usage of nodes or pods, like kubectl top (same flags, same numbers)',
  help: HELP,
  words: ['nodes', 'pods'],
  load: async () => (await import('./top.js')).topCommand,
};
