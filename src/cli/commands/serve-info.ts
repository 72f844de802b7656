/**
 * `kubemetrics serve` as `--help` and completion see it; the implementation (serve.ts) is imported
 * only when the command runs.
 */
import { CLUSTER_FLAGS_HELP } from '../cluster-options.js';
import type { CommandInfo } from '../command.js';

const HELP = `Serve capacity reports over HTTP from a live, in-memory picture of the cluster.

Usage:
  kubemetrics serve [--listen HOST:PORT] [cluster flags]
                    [--metrics-interval DURATION] [--auth-token-file FILE] [--pod-metrics]
  kubemetrics serve --snapshot FILE [--metrics-file FILE] [--listen HOST:PORT]

Nodes and pods are listed once and then watched; metrics.k8s.io is read every --metrics-interval.
Every HTTP request is answered from memory (docs/service.md lists the routes and metrics):
  /                       dashboard in a browser; JSON per-node summary otherwise
  /api/v1/nodes-summary   per-node CPU (millicores) and RAM (bytes): capacity, requests, limits, usage
  /api/v1/capacity        ?by=node|namespace|workload|pod&namespace=&labelSelector=&sort=&limit=
  /metrics                Prometheus text
  /healthz, /readyz       liveness; readiness (listed once; stale data stays ready, marked stale)

Flags:
      --listen HOST:PORT          Address to listen on (default 127.0.0.1:8080; 0.0.0.0:8080 in a pod)
      --metrics-interval DURATION How often to read metrics.k8s.io (default 15s; at least 1s)
      --auth-token-file FILE      Require "Authorization: Bearer <token>" (all routes but /healthz and /readyz);
                                  the file is re-read when it changes
      --pod-metrics               Add per-pod series to /metrics (one series per pod and resource)
      --snapshot FILE             Serve a saved snapshot, read-only, instead of a cluster
      --metrics-file FILE         With --snapshot: metrics to add
      --quiet                     Do not log each request

${CLUSTER_FLAGS_HELP}

Examples:
  kubemetrics serve
  kubemetrics serve --context prod --as viewer --as-group readers
  kubemetrics serve --listen 0.0.0.0:9090 --metrics-interval 30s --auth-token-file /etc/kubemetrics/token
  kubemetrics serve --snapshot prod.json.gz`;

export const serveInfo: CommandInfo = {
  name: 'serve',
  summary: 'Serve capacity reports, Prometheus metrics and a dashboard over HTTP',
  help: HELP,
  words: [],
  load: async () => (await import('./serve.js')).serveCommand,
};
