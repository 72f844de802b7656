/**
 * The route stage's second half: a parsed {@link Route} to the handler that answers it. A route
 * the URL grammar knows but this server does not serve (a group without a provider, an unknown
 * `/debug/<name>`) is a 404, as kube-apiserver answers for an unregistered path.
 */
import { failureStatus } from '../../api/index.js';
import type { VersionInfo } from '../../api/index.js';
import { answerDiscovery } from '../discovery/discovery-handler.js';
import { isServed } from '../discovery/discovery.js';
import type { ServedGroup } from '../discovery/discovery.js';
import { getCustomMetric } from '../handlers/custom-metrics-handler.js';
import { getExternalMetric } from '../handlers/external-metrics-handler.js';
import type { Answer, HandlerContext, HandlerDependencies } from '../handlers/handler-context.js';
import { answerHealth } from '../handlers/health.js';
import type { ProviderBackends, ServerReadinessCheck } from '../handlers/health.js';
import { getNodeMetrics, getPodMetrics } from '../handlers/resource-metrics-handler.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { answerOpenApi } from '../openapi/openapi-handler.js';
import type { OpenApiDocuments } from '../openapi/openapi.js';
import type { Route, RouteMatch } from './route.js';

/** A `/debug/<name>` route: its query parameters and the request's signal in, JSON out. */
export type DebugHandler = (query: URLSearchParams, signal: AbortSignal) => Promise<unknown>;

/** What the handlers of one server answer from; built once per server. */
export interface RouterTables {
  readonly groups: readonly ServedGroup[];
  readonly openapi: OpenApiDocuments;
  readonly deps: HandlerDependencies;
  readonly backends: ProviderBackends;
  readonly serverChecks: readonly ServerReadinessCheck[];
  readonly metrics: ServerMetrics;
  readonly version: VersionInfo;
  readonly debugHandlers: Readonly<Record<string, DebugHandler>> | undefined;
}

export type Router = (route: Route, match: RouteMatch, ctx: HandlerContext) => Promise<Answer>;

export function createRouter(tables: RouterTables): Router {
  const { groups, deps, debugHandlers } = tables;
  return async (route, match, ctx) => {
    switch (route.kind) {
      case 'health':
        return answerHealth(route.check, tables.backends, ctx, tables.serverChecks);
      case 'metrics':
        return {
          kind: 'text',
          code: 200,
          body: await tables.metrics.render(),
          contentType: tables.metrics.contentType,
        };
      case 'version':
        return { kind: 'json', value: tables.version };
      case 'debug': {
        const debug = debugHandlers?.[route.name];
        if (debug === undefined || !Object.hasOwn(debugHandlers ?? {}, route.name)) break;
        return { kind: 'json', value: await debug(ctx.query, ctx.signal) };
      }
      case 'core-api-versions':
      case 'core-resources':
      case 'api-groups':
      case 'api-group':
      case 'api-resources':
        return answerDiscovery(route, groups, ctx, deps);
      case 'openapi-v2':
      case 'openapi-v3':
      case 'openapi-v3-group-version':
        return answerOpenApi(route, match, tables.openapi);
      case 'custom-metric':
        if (!isServed(groups, 'custom.metrics.k8s.io', route.version)) break;
        return { kind: 'json', value: await getCustomMetric(route, ctx, deps) };
      case 'external-metric':
        if (!isServed(groups, 'external.metrics.k8s.io', route.version)) break;
        return { kind: 'json', value: await getExternalMetric(route, ctx, deps) };
      case 'node-metrics':
        if (!isServed(groups, 'metrics.k8s.io', route.version)) break;
        return { kind: 'json', value: await getNodeMetrics(route, ctx, deps) };
      case 'pod-metrics':
        if (!isServed(groups, 'metrics.k8s.io', route.version)) break;
        return { kind: 'json', value: await getPodMetrics(route, ctx, deps) };
    }
    return {
      kind: 'json',
      code: 404,
      value: failureStatus(404, 'the server could not find the requested resource'),
    };
  };
}
