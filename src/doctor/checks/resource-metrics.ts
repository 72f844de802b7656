/**
 * Check 8: resource metrics coverage — every Ready node in metrics.k8s.io/nodes, and every running
 * pod older than two minutes in metrics.k8s.io/pods (metrics-server needs a scrape or two after a
 * pod starts; the HPA ignores pods without metrics, which skews its average).
 */
import type { List, Node, Pod } from '../../api/index.js';
import type { DoctorCheck } from '../check.js';
import { describeError, notChecked, ok, problem, warning, type CheckResult } from '../result.js';

const NAME = 'resource-metrics';
/** A pod this old should have been scraped (metrics-server's default resolution is 15 s to 60 s). */
const POD_GRACE_MS = 2 * 60_000;
const SHOWN = 5;

const listed = (names: readonly string[]) =>
  `${names.slice(0, SHOWN).join(', ')}${names.length > SHOWN ? ` and ${names.length - SHOWN} more` : ''}`;

const isReady = (node: Node) =>
  node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

export const resourceMetricsCheck: DoctorCheck = {
  name: NAME,
  title:
    'resource metrics coverage: Ready nodes missing from metrics.k8s.io/nodes, running pods older than two minutes without metrics',
  async run(context) {
    if (!context.options.groups.includes('metrics')) return [];
    const ns = context.options.namespace;
    const results: CheckResult[] = [];
    let missingNodes = new Set<string>();
    try {
      const [nodes, metrics] = await Promise.all([
        context.get<List<Node>>('/api/v1/nodes'),
        context.get<List<{ metadata: { name?: string } }>>('/apis/metrics.k8s.io/v1beta1/nodes'),
      ]);
      const have = new Set(metrics.items.map((m) => m.metadata.name ?? ''));
      const ready = nodes.items.filter(isReady);
      missingNodes = new Set(ready.map((n) => n.metadata.name ?? '').filter((n) => !have.has(n)));
      if (missingNodes.size === 0)
        results.push(ok(`${NAME}/nodes`, `all ${ready.length} Ready node(s) have metrics`));
      else
        results.push(
          problem(
            `${NAME}/nodes`,
            `${missingNodes.size} of ${ready.length} Ready node(s) have no metrics: ${listed([...missingNodes])}`,
            {
              cause:
                "metrics-server cannot scrape these nodes' kubelets: port 10250 blocked from its pod, a kubelet serving certificate it does not trust (x509), or an address type it cannot reach",
              evidence: 'GET /apis/metrics.k8s.io/v1beta1/nodes: no item for them',
              fix: `kubectl -n kube-system logs deploy/metrics-server | grep ${[...missingNodes][0] ?? ''}; typical fixes: --kubelet-preferred-address-types=InternalIP, serverTLSBootstrap for kubelet certificates (or --kubelet-insecure-tls on test clusters), allow 10250 from the metrics-server pods`,
            },
          ),
        );
    } catch (error) {
      results.push(notChecked(`${NAME}/nodes`, 'node metrics', error));
    }
    try {
      const podsPath =
        ns === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
      const metricsPath =
        ns === undefined
          ? '/apis/metrics.k8s.io/v1beta1/pods'
          : `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(ns)}/pods`;
      const [pods, metrics] = await Promise.all([
        context.get<List<Pod>>(podsPath, { fieldSelector: 'status.phase=Running' }),
        context.get<List<{ metadata: { name?: string; namespace?: string } }>>(metricsPath),
      ]);
      const have = new Set(
        metrics.items.map((m) => `${m.metadata.namespace ?? ''}/${m.metadata.name ?? ''}`),
      );
      const now = context.options.now.getTime();
      const old = pods.items.filter((p) => {
        const started = Date.parse(p.status?.startTime ?? p.metadata.creationTimestamp ?? '');
        return Number.isFinite(started) && now - started > POD_GRACE_MS;
      });
      const missing = old.filter((p) => !have.has(`${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`));
      const where = ns === undefined ? '' : ` in ${ns}`;
      if (missing.length === 0)
        results.push(
          ok(`${NAME}/pods`, `all ${old.length} running pod(s)${where} older than 2 minutes have metrics`),
        );
      else {
        const onBadNodes = missing.filter((p) => missingNodes.has(p.spec.nodeName ?? ''));
        const names = missing.map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`);
        results.push(
          warning(
            `${NAME}/pods`,
            `${missing.length} running pod(s)${where} older than 2 minutes have no metrics: ${listed(names)}`,
            {
              cause:
                onBadNodes.length > 0
                  ? `${onBadNodes.length} of them run on nodes without metrics (see ${NAME}/nodes)`
                  : 'the kubelet reports no container stats for them (containers restarting, a runtime without cAdvisor stats, or pods in host network without a cgroup), or metrics-server drops them',
              evidence: `GET ${metricsPath}: no item for them`,
              fix: `kubectl get --raw /api/v1/nodes/NODE/proxy/metrics/resource | grep POD on their node; kubectl -n kube-system logs deploy/metrics-server`,
            },
          ),
        );
      }
    } catch (error) {
      results.push(notChecked(`${NAME}/pods`, `pod metrics (${describeError(error).slice(0, 60)})`, error));
    }
    return results;
  },
};
