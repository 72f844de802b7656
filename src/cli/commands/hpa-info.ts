/**
 * `kubemetrics hpa` as `--help` and completion see it; the implementation (hpa.ts) is imported only
 * when the command runs.
 */
import type { CommandInfo } from '../command.js';
import { CLUSTER_FLAGS_HELP } from '../cluster-options.js';

const HELP = `See what the HorizontalPodAutoscaler controller sees, and why it scales (or does not).

Usage:
  kubemetrics hpa list [-n namespace | -A] [-l selector] [--no-headers] [-o table|wide|json|yaml|csv|tsv]
  kubemetrics hpa explain NAME [-n namespace] [-o text|json|yaml]

For each HPA, kubemetrics fetches what kube-controller-manager fetches — the scale subresource of
spec.scaleTargetRef, the pods its selector picks, and every metric from metrics.k8s.io,
custom.metrics.k8s.io (v1beta2, or v1beta1 when the adapter prefers it) and external.metrics.k8s.io
with the controller's selectors — and replays the controller's calculation: each metric's value
against its target, its proposed replica count, the maximum over metrics with the rules for failing
metrics, min/max, and what behavior (stabilization windows, policies) can be known from one look.
The result is compared with the HPA's own status.

list prints one row per HPA: for every metric current/target and the count it proposes, the
recommendation (before min/max and behavior), the desired count (a range a..b when the controller's
in-memory history could change it), and the status' desired count. HPAs that cannot compute
(a metric that fails, a missing scale target, a selector shared by two HPAs) are marked in the NOTE
column. explain prints every intermediate number for one HPA: each pod and how it was counted,
the raw values and requests, the usage ratio against the tolerance band, the second pass with
missing and unready pods filled in, and why a change was cancelled.

Flags:
  -n, --namespace NAME          Namespace (default: the context's namespace)
  -A, --all-namespaces          list: every namespace
  -l, --selector SELECTOR       list: label selector on the HPAs
      --no-headers              list: omit the header line
  -o, --output table|wide|json|yaml|csv|tsv|text  Output format:
                                list: table (default), wide, json, yaml, csv or tsv; explain: text (default), json or yaml
  -w, --watch [INTERVAL]        Replay every INTERVAL (default: the sync period), remembering each replay's
                                recommendation and every rescale like the controller does, so the
                                desired range narrows to one number once the longest window was watched
      --chunk-size N            HPAs and pods per page when listing (default 500), like kubectl

Controller flags (kube-controller-manager's, with its defaults):
      --horizontal-pod-autoscaler-tolerance RATIO                   Tolerance band around 1.0 (default 0.1)
      --horizontal-pod-autoscaler-cpu-initialization-period DURATION  CPU samples of pods younger than this
                                count only when Ready since a full window (default 5m0s)
      --horizontal-pod-autoscaler-initial-readiness-delay DURATION    Not-ready pods that never became Ready
                                within this after start are unready (default 30s)
      --horizontal-pod-autoscaler-downscale-stabilization DURATION    Window of recommendations a scale-down
                                waits for, for HPAs without behavior (default 5m0s)
      --horizontal-pod-autoscaler-sync-period DURATION                How often the controller syncs; the
                                default --watch interval (default 15s)

${CLUSTER_FLAGS_HELP}

Examples:
  kubemetrics hpa list -A
  kubemetrics hpa list -n shop -o json | jq '.items[] | select(.canCompute == false)'
  kubemetrics hpa explain web -n shop
  kubemetrics hpa explain web -n shop -o yaml
  kubemetrics hpa explain web -n shop --watch`;

export const hpaInfo: CommandInfo = {
  name: 'hpa',
  summary: "HorizontalPodAutoscalers: the controller's decision replayed, per metric, and why",
  help: HELP,
  words: ['list', 'explain'],
  load: async () => (await import('./hpa.js')).hpaCommand,
};
