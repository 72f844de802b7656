/**
 * Which workload a pod belongs to, from the pod alone (no extra API calls per pod).
 *
 * The rule: take the controller ownerReference (`controller: true`, as apimachinery's
 * `metav1.GetControllerOf` does). A ReplicaSet whose name is `<deployment>-<pod-template-hash>`,
 * where the pod carries that same `pod-template-hash` label, is reported as its Deployment: the
 * Deployment controller names ReplicaSets exactly so (k8s.io/kubernetes pkg/controller/deployment
 * sync.go getNewReplicaSet) and stamps the hash on the pods. Any other ReplicaSet stays a
 * ReplicaSet. StatefulSet, DaemonSet, Job, ReplicationController and custom kinds are reported
 * as they are. A pod with no controller is its own workload, `{ kind: 'Pod', name }`.
 *
 * Jobs stay Jobs: a CronJob names its Jobs `<cronjob>-<scheduled minutes>`, but a hand-made Job
 * named `backup-1700000000` looks the same, and only the Job's own ownerReference (not visible
 * from the pod) tells them apart. Reporting a wrong CronJob is worse than reporting the Job.
 */
import type { ObjectMeta, OwnerReference } from '../api/index.js';

/** The label the Deployment controller puts on a ReplicaSet's pods (and its name suffix). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** A workload: the controller kind and name (namespace comes from the pod). */
export interface WorkloadRef {
  /** `Deployment`, `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, `Pod` (no controller), or another controller kind. */
  readonly kind: string;
  readonly name: string;
}

/** The controller ownerReference of an object, as `metav1.GetControllerOf` picks it. */
export function controllerOf(metadata: ObjectMeta): OwnerReference | undefined {
  const refs = metadata.ownerReferences;
  if (refs === undefined) return undefined;
  for (const ref of refs) if (ref.controller === true) return ref;
  return undefined;
}

/**
 * The workload of a pod (see the module comment for the rule and why Jobs are not mapped to
 * CronJobs). `metadata.name` is used for a pod without a controller.
 */
export function workloadOf(metadata: ObjectMeta): WorkloadRef {
  const controller = controllerOf(metadata);
  if (controller === undefined) return { kind: 'Pod', name: metadata.name ?? '' };
  if (controller.kind === 'ReplicaSet') {
    const deployment = deploymentOfReplicaSet(controller.name, metadata.labels?.[POD_TEMPLATE_HASH_LABEL]);
    if (deployment !== undefined) return { kind: 'Deployment', name: deployment };
  }
  return { kind: controller.kind, name: controller.name };
}

/**
 * The Deployment name of a ReplicaSet named `<deployment>-<hash>`, when `hash` (the pod's
 * `pod-template-hash` label) is that suffix; otherwise `undefined`.
 */
export function deploymentOfReplicaSet(replicaSetName: string, hash: string | undefined): string | undefined {
  if (hash === undefined || hash === '') return undefined;
  const prefixLength = replicaSetName.length - hash.length - 1;
  if (prefixLength <= 0) return undefined;
  if (replicaSetName.charCodeAt(prefixLength) !== 45 /* '-' */) return undefined;
  if (!replicaSetName.endsWith(hash)) return undefined;
  return replicaSetName.slice(0, prefixLength);
}
