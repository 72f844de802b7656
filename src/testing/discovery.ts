/**
 * Legacy (unaggregated) discovery documents: `/api`, `/api/v1`, `/apis`, `/apis/<g>`,
 * `/apis/<g>/<v>`. They are always answered as plain `APIVersions` / `APIGroupList` / `APIGroup` /
 * `APIResourceList` with `Content-Type: application/json`, even when the client prefers aggregated
 * discovery (`Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`):
 * client-go and kubectl look at the response's content type and fall back to the legacy
 * documents, as they do against servers older than 1.26.
 */
import type {
  APIGroup,
  APIGroupList,
  APIResourceList,
  APIVersions,
  GroupVersionForDiscovery,
} from '../api/index.js';
import type { ClusterState, DiscoveryGroup } from './cluster-state.js';

export function apiVersions(serverAddress: string): APIVersions {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function coreResourceList(state: ClusterState): APIResourceList {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: state.coreResources() };
}

function apiGroup(group: DiscoveryGroup): APIGroup {
  const versions: GroupVersionForDiscovery[] = group.versions.map((v) => ({
    groupVersion: `${group.name}/${v.version}`,
    version: v.version,
  }));
  const result: APIGroup = { name: group.name, versions };
  if (versions[0] !== undefined) result.preferredVersion = versions[0];
  return result;
}

export function apiGroupList(state: ClusterState): APIGroupList {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: state.namedGroups().map(apiGroup) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroupDocument(state: ClusterState, name: string): APIGroup | undefined {
  const group = state.namedGroups().find((g) => g.name === name);
  return group === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

/** `/apis/<group>/<version>`, or undefined when not served. */
export function groupResourceList(
  state: ClusterState,
  name: string,
  version: string,
): APIResourceList | undefined {
  const found = state
    .namedGroups()
    .find((g) => g.name === name)
    ?.versions.find((v) => v.version === version);
  return found === undefined
    ? undefined
    : {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${name}/${version}`,
        resources: [...found.resources],
      };
}
