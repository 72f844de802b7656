/**
 * Kubernetes resource names as the adapter config spells them (`pod`, `pods`, `deployment`,
 * `{group: apps, resource: deployment}`) normalized to what the custom metrics API uses (plural,
 * lowercase, with the group: `deployments.apps`), and back to the singular form a
 * `resources.template` receives (`<<.Resource>>` is `pod` for pods).
 *
 * prometheus-adapter asks the cluster's RESTMapper for this; we use the table of built-in resources
 * below, so the provider needs no cluster access to start and a label such as `instance` or `job`
 * never turns into a bogus resource under a broad template like `<<.Resource>>`. Custom resources
 * are named through `resources.overrides` (any group and resource is accepted there).
 */
import type { GroupResource } from '../../apiserver/index.js';

export interface ResourceName extends GroupResource {
  /** Singular lowercase form, e.g. `deployment`. */
  readonly singular: string;
  /** Whether objects live in a namespace (nodes, namespaces, persistent volumes do not). */
  readonly namespaced: boolean;
}

const rows: readonly [group: string, plural: string, singular: string, namespaced: boolean][] = [
  ['', 'pods', 'pod', true],
  ['', 'nodes', 'node', false],
  ['', 'namespaces', 'namespace', false],
  ['', 'services', 'service', true],
  ['', 'endpoints', 'endpoints', true],
  ['', 'persistentvolumes', 'persistentvolume', false],
  ['', 'persistentvolumeclaims', 'persistentvolumeclaim', true],
  ['', 'replicationcontrollers', 'replicationcontroller', true],
  ['', 'configmaps', 'configmap', true],
  ['', 'secrets', 'secret', true],
  ['', 'serviceaccounts', 'serviceaccount', true],
  ['', 'resourcequotas', 'resourcequota', true],
  ['', 'limitranges', 'limitrange', true],
  ['apps', 'deployments', 'deployment', true],
  ['apps', 'statefulsets', 'statefulset', true],
  ['apps', 'replicasets', 'replicaset', true],
  ['apps', 'daemonsets', 'daemonset', true],
  ['batch', 'jobs', 'job', true],
  ['batch', 'cronjobs', 'cronjob', true],
  ['networking.k8s.io', 'ingresses', 'ingress', true],
  ['networking.k8s.io', 'networkpolicies', 'networkpolicy', true],
  ['networking.k8s.io', 'ingressclasses', 'ingressclass', false],
  ['discovery.k8s.io', 'endpointslices', 'endpointslice', true],
  ['autoscaling', 'horizontalpodautoscalers', 'horizontalpodautoscaler', true],
  ['policy', 'poddisruptionbudgets', 'poddisruptionbudget', true],
  ['storage.k8s.io', 'storageclasses', 'storageclass', false],
  ['storage.k8s.io', 'volumeattachments', 'volumeattachment', false],
];

export const BUILT_IN_RESOURCES: readonly ResourceName[] = rows.map(
  ([group, resource, singular, namespaced]) => ({ group, resource, singular, namespaced }),
);

export const NAMESPACES: ResourceName = BUILT_IN_RESOURCES[2] as ResourceName;
export const PODS: ResourceName = BUILT_IN_RESOURCES[0] as ResourceName;
export const NODES: ResourceName = BUILT_IN_RESOURCES[1] as ResourceName;

/** `widget` → `widgets`, `policy` → `policies`, `ingress` → `ingresses`; plural input unchanged. */
function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return word.endsWith('ses') ? word : `${word}es`;
  return `${word}s`;
}

function singularize(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * The resource a config names: singular or plural, with or without its group (a built-in resource
 * found in exactly one group needs none, as with kubectl: `deployment` → `deployments.apps`).
 * Resources outside the table are taken as given (plural guessed) and assumed namespaced.
 */
export function normalizeResource(group: string, resource: string): ResourceName {
  const name = resource.toLowerCase();
  const candidates = BUILT_IN_RESOURCES.filter(
    (r) => (r.resource === name || r.singular === name) && (group === '' || r.group === group),
  );
  const core = candidates.find((r) => r.group === '');
  const found =
    group === '' && core !== undefined ? core : candidates.length === 1 ? candidates[0] : undefined;
  if (found !== undefined) return found;
  const plural = name.endsWith('s') ? name : pluralize(name);
  return { group, resource: plural, singular: singularize(plural), namespaced: true };
}

/** The built-in resource with this singular name and sanitized group (`apps`, `networking_k8s_io`). */
export function builtInResourceFor(sanitizedGroup: string, singular: string): ResourceName | undefined {
  return BUILT_IN_RESOURCES.find((r) => r.singular === singular && sanitizeGroup(r.group) === sanitizedGroup);
}

/** A group as a label-name fragment: dots and dashes become underscores (as prometheus-adapter does). */
export function sanitizeGroup(group: string): string {
  return group.replace(/[.-]/g, '_');
}
