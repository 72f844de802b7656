/**
 * Group-qualified resources as they appear in custom metrics URLs (`pods`, `deployments.apps`,
 * `ingresses.networking.k8s.io`) and the object kinds the server writes into `describedObject`.
 *
 * Parsing follows apimachinery `schema.ParseGroupResource`: everything before the first `.` is the
 * resource, the rest is the group.
 */
import type { GroupResource } from './provider.js';

/** `deployments.apps` → `{ resource: 'deployments', group: 'apps' }`; `pods` → core group `''`. */
export function parseGroupResource(text: string): GroupResource {
  const dot = text.indexOf('.');
  return dot < 0
    ? { group: '', resource: text }
    : { group: text.slice(dot + 1), resource: text.slice(0, dot) };
}

/** The inverse of {@link parseGroupResource}: `deployments.apps`, `pods`. */
export function formatGroupResource(groupResource: GroupResource): string {
  return groupResource.group === ''
    ? groupResource.resource
    : `${groupResource.resource}.${groupResource.group}`;
}

/** True when both name the same resource. */
export function sameGroupResource(a: GroupResource, b: GroupResource): boolean {
  return a.group === b.group && a.resource === b.resource;
}

/** `kind` and `apiVersion` of an object reference. */
export interface ObjectKind {
  readonly kind: string;
  readonly apiVersion: string;
}

/**
 * Resources the HPA commonly scales on or describes, with their kind and preferred version. A
 * provider names the kind of anything else itself (`CustomMetricValue.kind` / `.apiVersion`).
 */
const WELL_KNOWN_KINDS: Readonly<Record<string, ObjectKind>> = {
  pods: { kind: 'Pod', apiVersion: 'v1' },
  nodes: { kind: 'Node', apiVersion: 'v1' },
  namespaces: { kind: 'Namespace', apiVersion: 'v1' },
  services: { kind: 'Service', apiVersion: 'v1' },
  endpoints: { kind: 'Endpoints', apiVersion: 'v1' },
  persistentvolumes: { kind: 'PersistentVolume', apiVersion: 'v1' },
  persistentvolumeclaims: { kind: 'PersistentVolumeClaim', apiVersion: 'v1' },
  replicationcontrollers: { kind: 'ReplicationController', apiVersion: 'v1' },
  'deployments.apps': { kind: 'Deployment', apiVersion: 'apps/v1' },
  'statefulsets.apps': { kind: 'StatefulSet', apiVersion: 'apps/v1' },
  'replicasets.apps': { kind: 'ReplicaSet', apiVersion: 'apps/v1' },
  'daemonsets.apps': { kind: 'DaemonSet', apiVersion: 'apps/v1' },
  'jobs.batch': { kind: 'Job', apiVersion: 'batch/v1' },
  'cronjobs.batch': { kind: 'CronJob', apiVersion: 'batch/v1' },
  'ingresses.networking.k8s.io': { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1' },
  'horizontalpodautoscalers.autoscaling': { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2' },
  'poddisruptionbudgets.policy': { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1' },
};

/** `Ingresses` → `Ingress`, `policies` → `Policy`, `statuses` → `Status`: a guess for unknown resources. */
function guessKind(resource: string): string {
  let singular = resource;
  if (/ies$/.test(resource)) singular = `${resource.slice(0, -3)}y`;
  else if (/(ss|x|z|ch|sh|us)es$/.test(resource)) singular = resource.slice(0, -2);
  else if (resource.endsWith('s') && !resource.endsWith('ss')) singular = resource.slice(0, -1);
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

/**
 * The kind and apiVersion for an object of `groupResource`: from the table of well-known
 * resources, else guessed (`widgets.example.com` → `Widget`, `example.com/v1`).
 *
 * Note: adapters built on custom-metrics-apiserver write `"/v1"` for core objects (they join group
 * and version with a slash); we write the conventional `"v1"`. Clients key on `name` only.
 */
export function objectKindFor(groupResource: GroupResource): ObjectKind {
  const known = WELL_KNOWN_KINDS[formatGroupResource(groupResource)];
  if (known !== undefined && Object.hasOwn(WELL_KNOWN_KINDS, formatGroupResource(groupResource)))
    return known;
  return {
    kind: guessKind(groupResource.resource),
    apiVersion: groupResource.group === '' ? 'v1' : `${groupResource.group}/v1`,
  };
}
