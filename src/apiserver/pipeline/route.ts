/**
 * Request URL → typed route. The one place that knows the URL shapes of the metrics APIs:
 *
 * - custom.metrics.k8s.io (kubernetes-sigs/custom-metrics-apiserver `pkg/apiserver/installer`):
 *   `namespaces/{ns}/{resource}/{name}/{metric}`, the root-scoped `{resource}/{name}/{metric}`, and
 *   `namespaces/{ns}/metrics/{metric}` for metrics about the namespace object; `{name}` may be `*`
 *   (also sent percent-encoded as `%2A`) to ask for every object matching `?labelSelector=`, and
 *   `{resource}` may carry a group (`deployments.apps`).
 * - external.metrics.k8s.io: `namespaces/{ns}/{metric}`.
 * - metrics.k8s.io (metrics-server): `nodes[/{name}]`, `pods`, `namespaces/{ns}/pods[/{name}]`.
 * - discovery (`/api`, `/api/v1`, `/apis[/{group}[/{version}]]`), OpenAPI (`/openapi/v2`,
 *   `/openapi/v3[/apis/{group}/{version}]`), `/version`, `/healthz`, `/livez`, `/readyz`, and the
 *   server's own Prometheus metrics at `/metrics`, and `/debug/<name>` for registered debug handlers.
 *
 * Selectors stay strings here; they are parsed (and rejected with 400) by the handlers, after
 * authorization, as kube-apiserver does.
 */
import {
  CUSTOM_METRICS_GROUP,
  CUSTOM_METRICS_VERSIONS,
  EXTERNAL_METRICS_GROUP,
  EXTERNAL_METRICS_VERSIONS,
  METRICS_GROUP,
  METRICS_VERSIONS,
} from '../../api/index.js';
import type { CustomMetricsVersion, ExternalMetricsVersion, MetricsVersion } from '../../api/index.js';
import { parseGroupResource } from '../provider/group-resource.js';
import type { GroupResource } from '../provider/provider.js';

export type HealthCheckName = 'healthz' | 'livez' | 'readyz';

/** A custom metrics request; `name === undefined` is the `*` wildcard (objects by label selector). */
export interface CustomMetricRoute {
  readonly kind: 'custom-metric';
  readonly version: CustomMetricsVersion;
  readonly groupResource: GroupResource;
  /** `''` for cluster-scoped objects (including metrics about a namespace object). */
  readonly namespace: string;
  readonly name: string | undefined;
  readonly metric: string;
}

export interface ExternalMetricRoute {
  readonly kind: 'external-metric';
  readonly version: ExternalMetricsVersion;
  readonly namespace: string;
  readonly metric: string;
}

export interface NodeMetricsRoute {
  readonly kind: 'node-metrics';
  readonly version: MetricsVersion;
  readonly name: string | undefined;
}

export interface PodMetricsRoute {
  readonly kind: 'pod-metrics';
  readonly version: MetricsVersion;
  /** `''` for `/pods` (all namespaces). */
  readonly namespace: string;
  readonly name: string | undefined;
}

export type Route =
  | { readonly kind: 'health'; readonly check: HealthCheckName }
  | { readonly kind: 'version' }
  | { readonly kind: 'metrics' }
  /** `/debug/<name>`: a handler registered through `debugHandlers` (off unless configured). */
  | { readonly kind: 'debug'; readonly name: string }
  | { readonly kind: 'core-api-versions' }
  | { readonly kind: 'core-resources' }
  | { readonly kind: 'api-groups' }
  | { readonly kind: 'api-group'; readonly group: string }
  | { readonly kind: 'api-resources'; readonly group: string; readonly version: string }
  | { readonly kind: 'openapi-v2' }
  | { readonly kind: 'openapi-v3' }
  | { readonly kind: 'openapi-v3-group-version'; readonly group: string; readonly version: string }
  | CustomMetricRoute
  | ExternalMetricRoute
  | NodeMetricsRoute
  | PodMetricsRoute;

/** A parsed request target. */
export interface ParsedTarget {
  /** The raw path (still percent-encoded), for logs and authorization of non-resource requests. */
  readonly path: string;
  readonly query: URLSearchParams;
}

/** A route and the decoded path segments it was read from. */
export interface RouteMatch extends ParsedTarget {
  readonly ok: true;
  readonly route: Route;
  readonly segments: readonly string[];
}

export type RouteResult =
  RouteMatch | (ParsedTarget & { readonly ok: false; readonly code: 400 | 404; readonly message: string });

const NOT_FOUND = 'the server could not find the requested resource';

class RouteError extends Error {
  constructor(
    readonly code: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (): never => {
  throw new RouteError(404, NOT_FOUND);
};

/** Splits a request target (origin-form, or absolute-form from a proxy) into raw path and query. */
function splitTarget(url: string): { path: string; query: string } {
  let rest = url;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (absolute !== null) rest = rest.slice(absolute[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  return { path: path === '' ? '/' : path, query: q < 0 ? '' : rest.slice(q + 1) };
}

/**
 * Decodes and checks one path segment. Rules of apimachinery `IsValidPathSegmentName`: a name may
 * not be `.` or `..` and may not contain `/` or `%` (after decoding).
 */
function decodeSegment(raw: string): string {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    throw new RouteError(400, `invalid percent-encoding in path segment "${raw}"`);
  }
  if (text === '.' || text === '..')
    throw new RouteError(400, `invalid path segment "${text}": may not be '.' or '..'`);
  if (text.includes('/')) throw new RouteError(400, `invalid path segment "${text}": may not contain '/'`);
  if (text.includes('%')) throw new RouteError(400, `invalid path segment "${text}": may not contain '%'`);
  return text;
}

function has<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function customRoute(version: CustomMetricsVersion, rest: readonly string[]): CustomMetricRoute {
  const [a, b, c, d, e] = rest;
  // namespaces/{ns}/metrics/{metric}: metrics describing the namespace object itself.
  if (rest.length === 4 && a === 'namespaces' && c === 'metrics' && b !== undefined && d !== undefined) {
    return {
      kind: 'custom-metric',
      version,
      groupResource: { group: '', resource: 'namespaces' },
      namespace: '',
      name: b,
      metric: d,
    };
  }
  // namespaces/{ns}/{resource}/{name}/{metric}
  if (
    rest.length === 5 &&
    a === 'namespaces' &&
    b !== undefined &&
    c !== undefined &&
    d !== undefined &&
    e !== undefined
  ) {
    return {
      kind: 'custom-metric',
      version,
      groupResource: parseResource(c),
      namespace: b,
      name: d === '*' ? undefined : d,
      metric: e,
    };
  }
  // {resource}/{name}/{metric}: cluster-scoped objects
  if (rest.length === 3 && a !== undefined && b !== undefined && c !== undefined) {
    return {
      kind: 'custom-metric',
      version,
      groupResource: parseResource(a),
      namespace: '',
      name: b === '*' ? undefined : b,
      metric: c,
    };
  }
  return notFound();
}

function parseResource(text: string): GroupResource {
  const groupResource = parseGroupResource(text);
  if (groupResource.resource === '')
    throw new RouteError(400, `invalid resource "${text}": expected <resource> or <resource>.<group>`);
  return groupResource;
}

function metricsRoute(version: MetricsVersion, rest: readonly string[]): NodeMetricsRoute | PodMetricsRoute {
  const [a, b, c, d] = rest;
  if (a === 'nodes' && rest.length <= 2) return { kind: 'node-metrics', version, name: b };
  if (a === 'pods' && rest.length === 1)
    return { kind: 'pod-metrics', version, namespace: '', name: undefined };
  if (a === 'namespaces' && b !== undefined && c === 'pods' && rest.length <= 4)
    return { kind: 'pod-metrics', version, namespace: b, name: d };
  return notFound();
}

function groupRoute(group: string, version: string, rest: readonly string[]): Route {
  if (rest.length === 0) return { kind: 'api-resources', group, version };
  if (group === CUSTOM_METRICS_GROUP && has(CUSTOM_METRICS_VERSIONS, version))
    return customRoute(version, rest);
  if (group === EXTERNAL_METRICS_GROUP && has(EXTERNAL_METRICS_VERSIONS, version)) {
    const [a, namespace, metric] = rest;
    if (rest.length === 3 && a === 'namespaces' && namespace !== undefined && metric !== undefined)
      return { kind: 'external-metric', version, namespace, metric };
    return notFound();
  }
  if (group === METRICS_GROUP && has(METRICS_VERSIONS, version)) return metricsRoute(version, rest);
  return notFound();
}

function routeFor(segments: readonly string[]): Route {
  const [first, second, third, ...rest] = segments;
  switch (first) {
    case 'healthz':
    case 'livez':
    case 'readyz':
      return segments.length === 1 ? { kind: 'health', check: first } : notFound();
    case 'version':
      return segments.length === 1 ? { kind: 'version' } : notFound();
    case 'metrics':
      return segments.length === 1 ? { kind: 'metrics' } : notFound();
    case 'debug':
      return segments.length >= 2 ? { kind: 'debug', name: segments.slice(1).join('/') } : notFound();
    case 'api':
      if (segments.length === 1) return { kind: 'core-api-versions' };
      return segments.length === 2 && second === 'v1' ? { kind: 'core-resources' } : notFound();
    case 'apis':
      if (second === undefined) return { kind: 'api-groups' };
      if (third === undefined) return { kind: 'api-group', group: second };
      return groupRoute(second, third, rest);
    case 'openapi':
      if (segments.length === 2 && second === 'v2') return { kind: 'openapi-v2' };
      if (second === 'v3' && segments.length === 2) return { kind: 'openapi-v3' };
      if (second === 'v3' && segments.length === 5 && third === 'apis') {
        const [group, version] = rest;
        if (group !== undefined && version !== undefined)
          return { kind: 'openapi-v3-group-version', group, version };
      }
      return notFound();
    default:
      return notFound();
  }
}

/**
 * Parses a request target (`req.url`) into a {@link Route}. Never throws: unknown shapes give 404,
 * malformed segments (bad percent-encoding, `..`, an encoded `/`) give 400. One trailing slash is
 * ignored (`/apis/` is `/apis`).
 */
export function parseRoute(url: string): RouteResult {
  const { path, query: rawQuery } = splitTarget(url);
  const query = new URLSearchParams(rawQuery);
  try {
    if (!path.startsWith('/')) return notFound();
    let body = path.slice(1);
    if (body.endsWith('/')) body = body.slice(0, -1);
    if (body === '') return notFound();
    const rawSegments = body.split('/');
    if (rawSegments.some((s) => s === '')) return notFound();
    const segments = rawSegments.map(decodeSegment);
    return { ok: true, path, query, segments, route: routeFor(segments) };
  } catch (error) {
    if (error instanceof RouteError)
      return { ok: false, path, query, code: error.code, message: error.message };
    throw error;
  }
}
