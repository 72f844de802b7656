/**
 * `kubemetrics demo`: starts the built-in local cluster (a realistic ~20-node, ~600-pod demo
 * cluster with metrics) on 127.0.0.1 and runs the real commands against it, so a newcomer sees what
 * the tool does without a cluster of their own.
 */
import { parseArgs } from 'node:util';
import { labelSelectorFromWire } from '../../api/index.js';
import { DEMO_HPAS, demoCluster, startTestCluster, type ClusterFixture } from '../../testing/index.js';
import { EXIT_OK, type Command } from '../command.js';
import { colorEnabled, writeLine, type CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';
import { capacityCommand } from './capacity.js';
import { hpaCommand } from './hpa.js';
import { topCommand } from './top.js';
import { MetricsClient } from '../../client/index.js';
import { registerDemoAPIServices } from '../demo-apiservices.js';
import { mountMetricsApis } from '../demo-metrics-api.js';
import { renderTable } from '../table.js';

/** Where the demo's Pods-metric HPA looks: its namespace and its target's pod selector. */
export interface CustomMetricQuery {
  readonly namespace: string;
  readonly labelSelector: string;
  readonly metric: string;
}

/** The `api-requests` HPA's metric query, as the controller builds it from the scale selector. */
export function demoCustomMetricQuery(fixture: ClusterFixture): CustomMetricQuery | undefined {
  const hpa = fixture.horizontalPodAutoscalers.find((h) => h.metadata.name === DEMO_HPAS.custom);
  const metric = hpa?.spec.metrics?.[0]?.pods?.metric.name;
  const namespace = hpa?.metadata.namespace;
  const target = fixture.deployments.find(
    (d) => d.metadata.namespace === namespace && d.metadata.name === hpa?.spec.scaleTargetRef.name,
  );
  if (target === undefined || namespace === undefined || metric === undefined) return undefined;
  return { namespace, metric, labelSelector: labelSelectorFromWire(target.spec.selector).toString() };
}

/** Queries the demo's custom metric the way the HPA does: pods by label selector. */
async function showCustomMetric(
  kubeconfig: string,
  workload: CustomMetricQuery,
  io: CliIO,
  bold: (s: string) => string,
): Promise<void> {
  const path = `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${workload.namespace}/pods/*/${workload.metric}?labelSelector=${workload.labelSelector}`;
  writeLine(io.stdout);
  writeLine(
    io.stdout,
    bold(`# custom metric from the metrics API server (memory provider), as the HPA reads it:`),
  );
  writeLine(io.stdout, bold(`$ kubectl get --raw "${path}"`));
  const client = await MetricsClient.fromKubeConfig({ kubeconfig, env: io.env });
  try {
    const values = await client.getCustomMetricBySelector({
      resource: 'pods',
      namespace: workload.namespace,
      metric: workload.metric,
      labelSelector: workload.labelSelector,
      signal: io.signal,
    });
    const rows = values.map((v) => [
      v.describedObject.name ?? '',
      v.metricName,
      v.value.toString(),
      String(v.value.toNumber()),
    ]);
    io.stdout.write(renderTable(['POD', 'METRIC', 'VALUE', 'PER SECOND'], rows));
  } finally {
    await client.close();
  }
}

/**
 * The commands the demo runs, each printed before its output: top and capacity, then every HPA as
 * the controller computes it and the stuck one explained (its namespace read from the fixture).
 */
export function demoSteps(fixture: ClusterFixture): (readonly [Command, readonly string[]])[] {
  const stuck = fixture.horizontalPodAutoscalers.find((h) => h.metadata.name === DEMO_HPAS.stuck);
  const namespace = stuck?.metadata.namespace;
  return [
    [topCommand, ['nodes']],
    [topCommand, ['pods', '-A', '--sort-by', 'cpu']],
    [capacityCommand, ['--util']],
    [capacityCommand, ['--by', 'namespace', '--util', '--sort', 'requests.cpu']],
    [hpaCommand, ['list', '-A']],
    ...(namespace === undefined
      ? []
      : [[hpaCommand, ['explain', DEMO_HPAS.stuck, '-n', namespace]] as const]),
  ];
}

const MAX_LINES = 12;

async function run(args: readonly string[], io: CliIO): Promise<number> {
  let keep = false;
  try {
    keep =
      parseArgs({ args: [...args], options: { keep: { type: 'boolean' } }, strict: true }).values.keep ===
      true;
  } catch (error) {
    throw new UsageError((error as Error).message, 'demo');
  }
  const fixture = demoCluster();
  const cluster = await startTestCluster(fixture);
  mountMetricsApis(cluster, fixture);
  const bold = (s: string) => (colorEnabled(io) ? `\u001b[1m${s}\u001b[0m` : s);
  try {
    writeLine(
      io.stdout,
      `Local demo cluster on ${cluster.url}: ${fixture.nodes.length} nodes, ${fixture.pods.length} pods, metrics-server style metrics, ${fixture.horizontalPodAutoscalers.length} HPAs with custom metrics.`,
    );
    for (const [command, args] of demoSteps(fixture)) {
      writeLine(io.stdout);
      writeLine(io.stdout, bold(`$ kubemetrics ${command.name} ${args.join(' ')}`));
      const lines: string[] = [];
      const capture = {
        write: (chunk: string) => (lines.push(...chunk.split('\n').filter((l) => l !== '')), true),
      };
      const code = await command.run([...args, '--kubeconfig', cluster.kubeconfigPath], {
        ...io,
        stdout: capture as unknown as CliIO['stdout'],
      });
      for (const line of lines.slice(0, MAX_LINES)) writeLine(io.stdout, line);
      if (lines.length > MAX_LINES) writeLine(io.stdout, `... (${lines.length - MAX_LINES} more lines)`);
      if (code !== EXIT_OK) return code;
    }
    const query = demoCustomMetricQuery(fixture);
    if (query !== undefined) await showCustomMetric(cluster.kubeconfigPath, query, io, bold);
    await registerDemoAPIServices(cluster);
    writeLine(io.stdout);
    if (keep) {
      writeLine(io.stdout, `The demo cluster keeps running. Try:`);
      writeLine(io.stdout, `  export KUBECONFIG=${cluster.kubeconfigPath}`);
      writeLine(io.stdout, `  kubemetrics top pods -A --containers    # or: kubectl get nodes`);
      writeLine(
        io.stdout,
        `  kubectl get hpa -A                      # '${DEMO_HPAS.stuck}' cannot compute its replicas`,
      );
      writeLine(io.stdout, `  kubemetrics doctor                      # the metrics APIs checked end to end`);
      writeLine(io.stdout, `Press Ctrl-C to stop it.`);
      await new Promise<void>((resolve) =>
        io.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    } else {
      writeLine(io.stdout, `Run 'kubemetrics demo --keep' to keep the cluster up and try commands yourself.`);
    }
    return EXIT_OK;
  } finally {
    await cluster.stop();
  }
}

export const demoCommand: Command = { name: 'demo', flags: { keep: { type: 'boolean' } }, run };
