/**
 * Discovery documents of the metrics API server, plain (`APIGroupList`, `APIGroup`,
 * `APIResourceList`, `APIVersions`) and aggregated (`apidiscovery.k8s.io` v2 / v2beta1
 * `APIGroupDiscoveryList`).
 *
 * Custom metrics appear as `<resource>/<metric>` resources of kind `MetricValueList` and external
 * metrics by name with kind `ExternalMetricValueList`, as kubernetes-sigs/custom-metrics-apiserver
 * lists them (`pkg/apiserver/cmapis.go`, `emapis.go`). In aggregated discovery a name with a `/` is
 * a subresource of its parent, converted as k8s.io/apiserver `ConvertGroupVersionIntoToDiscovery`
 * does (a parent that is not itself a resource gets an empty `responseKind`).
 */
import type { APIGroup, APIGroupList, APIResource, APIResourceList, APIVersions } from '../../api/index.js';
import {
  CUSTOM_METRICS_GROUP,
  CUSTOM_METRICS_VERSIONS,
  EXTERNAL_METRICS_GROUP,
  EXTERNAL_METRICS_VERSIONS,
  METRICS_GROUP,
  METRICS_VERSIONS,
} from '../../api/index.js';
import { formatGroupResource } from '../provider/group-resource.js';
import type { AggregatedDiscoveryVersion } from './media-type.js';
import type { CustomMetricInfo, ExternalMetricInfo, MetricsProviders } from '../provider/provider.js';

/** An API group this server serves, versions in preference order (first = preferred). */
export interface ServedGroup {
  readonly name: string;
  readonly versions: readonly string[];
}

/** The groups enabled by the configured providers, in a stable order. */
export function servedGroups(providers: MetricsProviders): ServedGroup[] {
  const groups: ServedGroup[] = [];
  if (providers.resource !== undefined) groups.push({ name: METRICS_GROUP, versions: METRICS_VERSIONS });
  if (providers.custom !== undefined)
    groups.push({ name: CUSTOM_METRICS_GROUP, versions: CUSTOM_METRICS_VERSIONS });
  if (providers.external !== undefined)
    groups.push({ name: EXTERNAL_METRICS_GROUP, versions: EXTERNAL_METRICS_VERSIONS });
  return groups;
}

/** True when `group`/`version` is served. */
export function isServed(groups: readonly ServedGroup[], group: string, version?: string): boolean {
  const found = groups.find((g) => g.name === group);
  return found !== undefined && (version === undefined || found.versions.includes(version));
}

/**
 * Listed when a provider has no metrics yet: an empty resource list makes kubectl, helm and
 * client-go warn on every run (`Got empty response for: custom.metrics.k8s.io/v1beta1`) and some
 * clients treat the group as broken. The same approach as KEDA's `externalmetrics` placeholder.
 */
export const CUSTOM_METRICS_PLACEHOLDER = 'custommetrics';
export const EXTERNAL_METRICS_PLACEHOLDER = 'externalmetrics';

/** `/api`: the core group versions. This server has no core resources; clients just need an answer. */
export function apiVersions(): APIVersions {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
}

/** `/api/v1`: no core resources are served. */
export function coreResourceList(): APIResourceList {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [] };
}

function groupDocument(group: ServedGroup): APIGroup {
  const versions = group.versions.map((version) => ({ groupVersion: `${group.name}/${version}`, version }));
  const apiGroup: APIGroup = { name: group.name, versions };
  if (versions[0] !== undefined) apiGroup.preferredVersion = versions[0];
  return apiGroup;
}

/** `/apis` as a plain `APIGroupList`. */
export function apiGroupList(groups: readonly ServedGroup[]): APIGroupList {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupDocument) };
}

/** `/apis/<group>`. */
export function apiGroup(group: ServedGroup): APIGroup {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) };
}

/** The resources of custom.metrics.k8s.io: `pods/http_requests`, `deployments.apps/queue_length`… */
export function customMetricResources(metrics: readonly CustomMetricInfo[]): APIResource[] {
  const seen = new Set<string>();
  const resources: APIResource[] = [];
  for (const info of metrics) {
    const name = `${formatGroupResource(info.groupResource)}/${info.metric}`;
    if (seen.has(name)) continue;
    seen.add(name);
    resources.push({
      name,
      singularName: '',
      namespaced: info.namespaced,
      kind: 'MetricValueList',
      verbs: ['get'],
    });
  }
  if (resources.length === 0)
    resources.push({
      name: CUSTOM_METRICS_PLACEHOLDER,
      singularName: '',
      namespaced: true,
      kind: 'MetricValueList',
      verbs: ['get'],
    });
  return resources;
}

/** The resources of external.metrics.k8s.io: one per metric name. */
export function externalMetricResources(metrics: readonly ExternalMetricInfo[]): APIResource[] {
  const names = [...new Set(metrics.map((m) => m.metric))];
  if (names.length === 0) names.push(EXTERNAL_METRICS_PLACEHOLDER);
  return names.map((name) => ({
    name,
    singularName: '',
    namespaced: true,
    kind: 'ExternalMetricValueList',
    verbs: ['get'],
  }));
}

/** The resources of metrics.k8s.io, as metrics-server lists them. */
export function resourceMetricsResources(): APIResource[] {
  return [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ];
}

/** `/apis/<group>/<version>`. */
export function apiResourceList(
  group: string,
  version: string,
  resources: readonly APIResource[],
): APIResourceList {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${group}/${version}`,
    resources: [...resources],
  };
}

// ---------------------------------------------------------------------------------------------
// Aggregated discovery (k8s.io/api apidiscovery/v2 types.go; v2beta1 has the same shape).

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind?: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind?: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  metadata: { name: string };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: string;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

/** Legacy `APIResource`s of one group version → aggregated resources with subresources. */
export function resourcesForAggregatedDiscovery(
  group: string,
  version: string,
  resources: readonly APIResource[],
): APIResourceDiscovery[] {
  const result: APIResourceDiscovery[] = [];
  const parents = new Map<string, APIResourceDiscovery>();
  const scopeOf = (r: APIResource): 'Namespaced' | 'Cluster' => (r.namespaced ? 'Namespaced' : 'Cluster');
  for (const r of resources) {
    if (r.name.includes('/')) continue;
    const entry: APIResourceDiscovery = {
      resource: r.name,
      responseKind: { group, version, kind: r.kind },
      scope: scopeOf(r),
      singularResource: r.singularName,
      verbs: [...r.verbs],
    };
    result.push(entry);
    parents.set(r.name, entry);
  }
  for (const r of resources) {
    const slash = r.name.indexOf('/');
    if (slash < 0) continue;
    const parentName = r.name.slice(0, slash);
    let parent = parents.get(parentName);
    if (parent === undefined) {
      parent = {
        resource: parentName,
        responseKind: { group: '', version: '', kind: '' },
        scope: scopeOf(r),
        singularResource: '',
        verbs: [],
      };
      result.push(parent);
      parents.set(parentName, parent);
    }
    // One parent cannot be both scopes; apiserver refuses such a list, we keep the first scope seen
    // (a provider listing `pods` metrics as both namespaced and cluster-scoped is inconsistent).
    (parent.subresources ??= []).push({
      subresource: r.name.slice(slash + 1),
      responseKind: { group, version, kind: r.kind },
      verbs: [...r.verbs],
    });
  }
  return result;
}

/** `/apis` (or `/api`) as an aggregated `APIGroupDiscoveryList`. */
export function aggregatedDiscoveryList(
  version: AggregatedDiscoveryVersion,
  groups: readonly {
    name: string;
    versions: readonly { version: string; resources: APIResourceDiscovery[] }[];
  }[],
): APIGroupDiscoveryList {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name },
      versions: g.versions.map((v) => ({ version: v.version, resources: v.resources, freshness: 'Current' })),
    })),
  };
}
