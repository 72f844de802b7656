/**
 * Dispatches an authenticated, authorized request to what serves it: version and health paths,
 * discovery documents, a registered API service, or a resource endpoint (get / list / watch).
 * Unknown paths are a 404 Status, writes on the read-only resources a 405 Status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { aggregatedService, forward, groupVersionOfPath } from './aggregator.js';
import type { UserInfo } from './auth.js';
import type { ClusterState } from './cluster-state.js';
import type { FrontProxyOptions } from './config-map.js';
import {
  apiGroupDocument,
  apiGroupList,
  apiVersions,
  coreResourceList,
  groupResourceList,
} from './discovery.js';
import type { RequestInfo } from './request-info.js';
import { serveGet, serveList } from './resource-handler.js';
import { serveSubresource } from './subresource.js';
import { methodNotAllowedStatus, sendJson, sendStatus, unknownPathStatus } from './response.js';
import { includeObjectParameter, tableVersionRequested } from './table.js';
import { serveWatch, type WatchRegistry } from './watch.js';

export interface RouterContext {
  readonly state: ClusterState;
  /** The front proxy the cluster forwards to aggregated API servers as. */
  readonly frontProxy?: FrontProxyOptions | undefined;
  readonly watches: WatchRegistry;
  /** host:port as clients reach the server, for `/api`'s serverAddressByClientCIDRs. */
  readonly serverAddress: string;
}

/**
 * Forwards a request under `/apis/<group>/<version>` to the server of an APIService object (unless
 * a test's own handler is registered for that group/version); true when it did.
 */
export function forwardAggregated(
  context: RouterContext,
  path: string,
  user: UserInfo,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const gv = groupVersionOfPath(path);
  if (gv === undefined || context.state.apiService(gv.group, gv.version) !== undefined) return false;
  const apiService = aggregatedService(context.state.aggregation, gv.group, gv.version);
  if (apiService === undefined) return false;
  forward({ stores: context.state.aggregation, frontProxy: context.frontProxy }, apiService, user, req, res);
  return true;
}

const HEALTH = /^\/(healthz|livez|readyz)(\/.*)?$/;

export function route(
  context: RouterContext,
  info: RequestInfo,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { state } = context;
  if (!info.isResourceRequest) return routeNonResource(context, info, req, res);

  const service = state.apiService(info.apiGroup, info.apiVersion);
  if (service !== undefined) return service.handler(req, res);

  const prefixOk = info.apiGroup === '' ? info.path.startsWith('/api/') : info.path.startsWith('/apis/');
  const endpoint = prefixOk ? state.endpoint(info.apiGroup, info.apiVersion, info.resource) : undefined;
  const subresource = info.subresource === '' ? undefined : endpoint?.subresources?.[info.subresource];
  if (endpoint === undefined || (info.subresource !== '' && subresource === undefined))
    return sendStatus(res, unknownPathStatus());
  const clusterScopedUnderNamespace =
    !endpoint.namespaced && info.namespace !== '' && info.resource !== 'namespaces';
  if (clusterScopedUnderNamespace) return sendStatus(res, unknownPathStatus());
  if (req.method !== 'GET') return sendStatus(res, methodNotAllowedStatus());
  if (subresource !== undefined) {
    if (info.verb !== 'get') return sendStatus(res, methodNotAllowedStatus());
    return serveSubresource(endpoint, subresource, info.namespace, info.name, res);
  }

  const rendering = {
    table: tableVersionRequested(req.headers.accept),
    includeObject: includeObjectParameter(url.searchParams.get('includeObject')),
    now: Date.now(),
  };
  switch (info.verb) {
    case 'get':
      return serveGet(endpoint, info.namespace, info.name, rendering, res);
    case 'list':
      return serveList(endpoint, info.namespace, url, rendering, res);
    case 'watch':
      if (!endpoint.watchable) return sendStatus(res, methodNotAllowedStatus());
      return serveWatch(
        {
          endpoint,
          namespace: info.namespace,
          name: info.name,
          url,
          table: rendering.table,
          now: () => Date.now(),
        },
        req,
        res,
        context.watches,
      );
    default:
      return sendStatus(res, methodNotAllowedStatus());
  }
}

function routeNonResource(
  context: RouterContext,
  info: RequestInfo,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { state } = context;
  const path = info.path.length > 1 ? info.path.replace(/\/+$/, '') : info.path;
  const json = (body: unknown): void => sendJson(res, 200, JSON.stringify(body));
  const known =
    path === '/version' ||
    HEALTH.test(path) ||
    path === '/api' ||
    path === '/api/v1' ||
    path.startsWith('/apis');
  if (known && req.method !== 'GET') return sendStatus(res, methodNotAllowedStatus());
  if (path === '/version') return json(state.version);
  if (HEALTH.test(path)) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('ok');
    return;
  }
  if (path === '/api') return json(apiVersions(context.serverAddress));
  if (path === '/api/v1') return json(coreResourceList(state));
  if (path === '/apis') return json(apiGroupList(state));
  const group = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (group?.[1] !== undefined) {
    const document =
      group[2] === undefined
        ? apiGroupDocument(state, group[1])
        : groupResourceList(state, group[1], group[2]);
    if (document !== undefined) return json(document);
  }
  sendStatus(res, unknownPathStatus());
}
