/**
 * What a request asks for, in the terms authorization uses: verb, API group, resource,
 * subresource, namespace, name — or a non-resource path. Mirrors the rules of k8s.io/apiserver
 * pkg/endpoints/request/requestinfo.go: `/api/v1/...` is the core group, `/apis/<g>/<v>/...` a named
 * group, `namespaces/<ns>/` scopes the rest, a `watch` query parameter (other than false/0) or a
 * `/watch/` path prefix turns list/get into watch.
 */
export interface RequestInfo {
  readonly isResourceRequest: boolean;
  /** The URL path without query. */
  readonly path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection; lower-cased HTTP method for non-resource requests. */
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const VERB_BY_METHOD: Readonly<Record<string, string>> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

export function requestInfoFor(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const nonResource: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  let parts = path.split('/').filter((p) => p !== '');
  let apiGroup = '';
  let apiVersion: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource;
    apiVersion = parts[1] ?? '';
    parts = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource;
    apiGroup = parts[1] ?? '';
    apiVersion = parts[2] ?? '';
    parts = parts.slice(3);
  } else {
    return nonResource;
  }

  let verb = VERB_BY_METHOD[method] ?? 'get';
  if (parts[0] === 'watch') {
    if (method === 'GET') verb = 'watch';
    parts = parts.slice(1);
  }

  let namespace = '';
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      namespace = parts[1] ?? '';
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
    }
  }
  const resource = parts[0] ?? '';
  let name = parts[1] ?? '';
  const subresource = parts[2] ?? '';

  if (method === 'GET' && verb === 'get' && name === '') {
    verb = 'list';
    // A list or watch of one object by `fieldSelector=metadata.name=X` is authorized as a request
    // for that name, so RBAC resourceNames rules allow it (k8s.io/apiserver pkg/endpoints/request
    // requestinfo.go, RequiresExactMatch("metadata.name")).
    name = exactNameSelector(url.searchParams.get('fieldSelector'));
  }
  if (method === 'DELETE' && name === '') verb = 'deletecollection';
  if (verb === 'list') {
    const watch = url.searchParams.get('watch');
    if (watch !== null && watch.toLowerCase() !== 'false' && watch !== '0') verb = 'watch';
  }
  return {
    isResourceRequest: true,
    path,
    verb,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
  };
}

/** `X` of a field selector that is exactly `metadata.name=X` (or `==`), else ''. */
function exactNameSelector(selector: string | null): string {
  if (selector === null || selector.includes(',')) return '';
  const match = /^\s*metadata\.name\s*==?\s*([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\s*$/.exec(selector);
  return match?.[1] ?? '';
}
