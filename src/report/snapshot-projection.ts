/**
 * What a snapshot keeps of each object: exactly the fields reports and filters read (names,
 * labels, owners, resources, phase, node status), so a capture of a large production cluster stays
 * small and carries no secrets (no env, no annotations, no images).
 */
import type { Container, Node, NodeMetrics, Pod, PodMetrics } from '../api/index.js';

function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function projectContainer(c: Container): Container {
  return defined({ name: c.name, resources: c.resources, restartPolicy: c.restartPolicy });
}

export function projectPod(pod: Pod): Pod {
  const m = pod.metadata;
  return {
    metadata: defined({
      name: m.name,
      namespace: m.namespace,
      labels: m.labels,
      ownerReferences: m.ownerReferences,
      creationTimestamp: m.creationTimestamp,
    }),
    spec: defined({
      nodeName: pod.spec.nodeName,
      containers: pod.spec.containers.map(projectContainer),
      initContainers: pod.spec.initContainers?.map(projectContainer),
      resources: pod.spec.resources,
      overhead: pod.spec.overhead,
    }),
    status: defined({ phase: pod.status?.phase }),
  };
}

export function projectNode(node: Node): Node {
  const ready = node.status?.conditions?.filter((c) => c.type === 'Ready');
  return {
    metadata: defined({
      name: node.metadata.name,
      labels: node.metadata.labels,
      creationTimestamp: node.metadata.creationTimestamp,
    }),
    spec: defined({ unschedulable: node.spec?.unschedulable, taints: node.spec?.taints }),
    status: defined({
      capacity: node.status?.capacity,
      allocatable: node.status?.allocatable,
      conditions: ready,
      nodeInfo: node.status?.nodeInfo,
    }),
  };
}

export function projectNodeMetrics(m: NodeMetrics): NodeMetrics {
  return {
    metadata: defined({ name: m.metadata.name, labels: m.metadata.labels }),
    timestamp: m.timestamp,
    window: m.window,
    usage: m.usage,
  };
}

export function projectPodMetrics(m: PodMetrics): PodMetrics {
  return {
    metadata: defined({ name: m.metadata.name, namespace: m.metadata.namespace, labels: m.metadata.labels }),
    timestamp: m.timestamp,
    window: m.window,
    containers: m.containers,
  };
}
