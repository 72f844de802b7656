/**
 * The apps/v1 objects behind a fixture's pods: a ReplicaSet for every `pod-template-hash` owner and
 * the Deployment that owns it, a StatefulSet for every StatefulSet owner. They are derived from the
 * pods (not generated beside them), so owner references, UIDs, selectors, labels and replica
 * counts agree with the pods by construction, as the Deployment and ReplicaSet controllers keep them.
 */
import type {
  Deployment,
  LabelSelectorWire,
  ObjectMeta,
  OwnerReference,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  StatefulSet,
} from '../api/index.js';
import { deterministicUid } from './store.js';

export interface FixtureWorkloads {
  deployments: Deployment[];
  replicaSets: ReplicaSet[];
  statefulSets: StatefulSet[];
}

/** Labels the controllers add per pod, which are not part of the template. */
const PER_POD_LABELS = ['statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index'];
const HASH = 'pod-template-hash';
/** What the fixture's app workloads select on (the recommended `app.kubernetes.io` labels). */
const SELECTOR_KEYS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance'];

interface Group {
  readonly owner: OwnerReference;
  readonly pods: Pod[];
}

const isReady = (pod: Pod): boolean =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

function earliest(pods: readonly Pod[]): string | undefined {
  return pods
    .map((p) => p.metadata.creationTimestamp)
    .filter((t) => t !== undefined)
    .sort()[0];
}

function template(pod: Pod, drop: readonly string[]): PodTemplateSpec {
  const labels = { ...pod.metadata.labels };
  for (const key of drop) delete labels[key];
  const { nodeName: _nodeName, ...spec } = pod.spec;
  return { metadata: { labels }, spec };
}

function selectorOf(labels: Readonly<Record<string, string>>, extra: readonly string[]): LabelSelectorWire {
  const matchLabels: Record<string, string> = {};
  for (const key of [...SELECTOR_KEYS, ...extra]) {
    const value = labels[key];
    if (value !== undefined) matchLabels[key] = value;
  }
  return { matchLabels };
}

/** Pods by controlling owner (kind, namespace, name), in first-seen order. */
function groupByOwner(pods: readonly Pod[], kind: string): Group[] {
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller === true && o.kind === kind);
    if (owner === undefined) continue;
    const key = `${pod.metadata.namespace ?? 'default'}/${owner.name}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { owner, pods: [pod] });
    else group.pods.push(pod);
  }
  return [...groups.values()];
}

/** Deployments, ReplicaSets and StatefulSets for `pods` (terminal pods are not replicas). */
export function workloadsFromPods(pods: readonly Pod[]): FixtureWorkloads {
  const result: FixtureWorkloads = { deployments: [], replicaSets: [], statefulSets: [] };
  for (const { owner, pods: members } of groupByOwner(pods, 'ReplicaSet')) {
    const first = members[0]!;
    const namespace = first.metadata.namespace ?? 'default';
    const hash = first.metadata.labels?.[HASH];
    const live = members.filter((p) => !isTerminal(p));
    const ready = live.filter(isReady).length;
    const created = earliest(members);
    const podTemplate = template(first, PER_POD_LABELS);
    const rsMeta: ObjectMeta = {
      name: owner.name,
      namespace,
      uid: owner.uid,
      generation: 1,
      labels: { ...podTemplate.metadata?.labels },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    };
    if (created !== undefined) rsMeta.creationTimestamp = created;
    const deploymentName =
      hash !== undefined && owner.name.endsWith(`-${hash}`)
        ? owner.name.slice(0, -hash.length - 1)
        : undefined;
    if (deploymentName !== undefined) {
      const uid = deterministicUid('Deployment', namespace, deploymentName);
      const labels = { ...podTemplate.metadata?.labels };
      delete labels[HASH];
      const meta: ObjectMeta = {
        name: deploymentName,
        namespace,
        uid,
        generation: 1,
        labels: selectorOf(labels, []).matchLabels ?? {},
        annotations: { 'deployment.kubernetes.io/revision': '1' },
      };
      if (created !== undefined) meta.creationTimestamp = created;
      const deploymentTemplate: PodTemplateSpec = { metadata: { labels }, spec: podTemplate.spec };
      result.deployments.push({
        metadata: meta,
        spec: {
          replicas: live.length,
          selector: selectorOf(labels, []),
          template: deploymentTemplate,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        },
        status: {
          observedGeneration: 1,
          replicas: live.length,
          updatedReplicas: live.length,
          readyReplicas: ready,
          availableReplicas: ready,
          ...(live.length > ready ? { unavailableReplicas: live.length - ready } : {}),
        },
      });
      rsMeta.ownerReferences = [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deploymentName,
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
    }
    result.replicaSets.push({
      metadata: rsMeta,
      spec: {
        replicas: live.length,
        selector: selectorOf(podTemplate.metadata?.labels ?? {}, [HASH]),
        template: podTemplate,
      },
      status: {
        replicas: live.length,
        fullyLabeledReplicas: live.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: 1,
      },
    });
  }
  for (const { owner, pods: members } of groupByOwner(pods, 'StatefulSet')) {
    const first = members[0]!;
    const live = members.filter((p) => !isTerminal(p));
    const ready = live.filter(isReady).length;
    const podTemplate = template(first, [...PER_POD_LABELS, 'controller-revision-hash']);
    const revision = first.metadata.labels?.['controller-revision-hash'];
    const meta: ObjectMeta = {
      name: owner.name,
      namespace: first.metadata.namespace ?? 'default',
      uid: owner.uid,
      generation: 1,
      labels: { ...podTemplate.metadata?.labels },
    };
    const created = earliest(members);
    if (created !== undefined) meta.creationTimestamp = created;
    result.statefulSets.push({
      metadata: meta,
      spec: {
        replicas: live.length,
        selector: selectorOf(podTemplate.metadata?.labels ?? {}, []),
        template: podTemplate,
        serviceName: owner.name,
        podManagementPolicy: 'OrderedReady',
      },
      status: {
        observedGeneration: 1,
        replicas: live.length,
        readyReplicas: ready,
        currentReplicas: live.length,
        updatedReplicas: live.length,
        availableReplicas: ready,
        ...(revision === undefined ? {} : { currentRevision: revision, updateRevision: revision }),
      },
    });
  }
  return result;
}
