/**
 * `kubemetrics snapshot` as `--help` and completion see it; the implementation (snapshot.ts) is imported
 * only when the command runs.
 */
import type { CommandInfo } from '../command.js';
import { CLUSTER_FLAGS_HELP } from '../cluster-options.js';

const HELP = `Save a snapshot of the cluster for offline analysis, or describe a saved one.

Usage:
  kubemetrics snapshot save FILE [-n namespace] [-l selector] [--node-labels selector]
  kubemetrics snapshot info FILE

A snapshot holds nodes, all non-terminal pods (only the fields reports use: names, labels, owners,
resources, phase; no env, images or annotations), node and pod metrics, the cluster version and
the time. It is JSON, gzip-compressed when FILE ends in .gz. Every read command takes
--snapshot FILE to run on it offline.

FILE '-' (or /dev/stdout) writes the JSON to standard output; 'snapshot info -' reads one, plain or
gzip, from standard input. A symlink is written through to its
target; a regular file is replaced atomically (temp file and rename in its directory), so readers
never see half a snapshot; a FIFO and /dev/null are written to; a directory or another device is
refused and left as it is.

Flags:
  -n, --namespace NAME          Only pods of this namespace (default: all)
  -l, --selector SELECTOR       Only pods matching this label selector
      --node-labels SELECTOR    Only nodes matching this label selector
      --chunk-size N            Objects per page when listing nodes and pods (default 500)

${CLUSTER_FLAGS_HELP}

Examples:
  kubemetrics snapshot save prod.json.gz --context prod
  kubemetrics snapshot save - | gzip > prod.json.gz
  kubemetrics capacity --snapshot prod.json.gz --util`;

export const snapshotInfo: CommandInfo = {
  name: 'snapshot',
  summary: 'Save the cluster to a file for offline reports (--snapshot FILE), or describe one',
  help: HELP,
  words: ['save', 'info'],
  load: async () => (await import('./snapshot.js')).snapshotCommand,
};
