/**
 * Subresources of a served resource, read-only: `GET .../<name>/scale` (the autoscaling/v1 Scale
 * of Deployments, ReplicaSets and StatefulSets, which the HPA controller reads to find the current
 * replicas and the pod selector) and `GET .../<name>/status` (HPAs). Writes are not supported by the
 * test cluster, so every other verb is 405 MethodNotAllowed.
 */
import type { ServerResponse } from 'node:http';
import { apiVersionOf, type AnyObject, type ResourceEndpoint, type Subresource } from './resources.js';
import { sendJson, sendStatus } from './response.js';

/** The object itself, as `/status` returns it. */
export function statusSubresource<T>(endpoint: {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}): Subresource<T> {
  return {
    kind: endpoint.kind,
    group: endpoint.group,
    version: endpoint.version,
    view: (stored) => stored.object,
    discovery: {
      name: `${endpoint.resource}/status`,
      singularName: '',
      namespaced: endpoint.namespaced,
      kind: endpoint.kind,
      verbs: ['get'],
    },
  };
}

export function serveSubresource(
  endpoint: ResourceEndpoint,
  subresource: Subresource<AnyObject>,
  namespace: string,
  name: string,
  res: ServerResponse,
): void {
  const stored = endpoint.store.get(endpoint.namespaced ? namespace : '', name);
  if (stored === undefined) return sendStatus(res, endpoint.notFound(namespace, name));
  const body = {
    kind: subresource.kind,
    apiVersion: apiVersionOf(subresource),
    ...subresource.view(stored),
  };
  sendJson(res, 200, JSON.stringify(body));
}
