/**
 * API aggregation as kube-apiserver's kube-aggregator does it, driven by APIService objects:
 * requests under `/apis/<group>/<version>` of an APIService with a service reference are forwarded
 * to a ready endpoint of that Service over TLS (verified with the APIService's `caBundle` for the
 * name `<service>.<namespace>.svc`, or not at all with `insecureSkipTLSVerify`), presenting the
 * front-proxy client certificate and the user in `X-Remote-User`/`X-Remote-Group`. An APIService
 * whose `Available` condition is False, or whose backend cannot be reached, is answered with 503
 * "the server is currently unable to handle the request" (k8s.io/kube-aggregator pkg/apiserver
 * handler_proxy.go). `syncAvailability` is one pass of the availability controller
 * (pkg/controllers/status/remote/remote_available_controller.go) with its reasons: ServiceNotFound,
 * ServicePortError, EndpointsNotFound, MissingEndpoints, FailedDiscoveryCheck, Passed, Local.
 *
 * The test cluster has no Service network, so it dials the endpoint addresses itself (as
 * kube-apiserver does with `--enable-aggregator-routing`).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkServerIdentity } from 'node:tls';
import {
  apiServicePort,
  availableCondition,
  endpointReady,
  failureStatus,
  SERVICE_NAME_LABEL,
  type APIService,
  type APIServiceCondition,
} from '../api/index.js';
import type { AggregationStores } from './aggregation-state.js';
import type { UserInfo } from './auth.js';
import type { FrontProxyOptions } from './config-map.js';
import { sendStatus } from './response.js';

export interface AggregatorContext {
  readonly stores: AggregationStores;
  readonly frontProxy: FrontProxyOptions | undefined;
}

/** Where the aggregator dials for an APIService. */
export interface Backend {
  readonly host: string;
  readonly port: number;
  /** `<service>.<namespace>.svc`, the name the serving certificate must carry. */
  readonly serverName: string;
  readonly caPem: string | undefined;
  readonly insecure: boolean;
}

type Resolution =
  | { readonly ok: true; readonly backend: Backend }
  | { readonly ok: false; readonly reason: string; readonly message: string };

/** The APIService that serves `group/version` through a Service (not Local), if any. */
export function aggregatedService(
  stores: AggregationStores,
  group: string,
  version: string,
): APIService | undefined {
  const found = stores.apiServices
    .all()
    .find((a) => a.object.spec.group === group && a.object.spec.version === version);
  const service = found?.object.spec.service;
  return service === undefined || service === null ? undefined : found?.object;
}

/** The group/version a request path is under, for `/apis/<group>/<version>[/...]`. */
export function groupVersionOfPath(path: string): { group: string; version: string } | undefined {
  const match = /^\/apis\/([^/]+)\/([^/]+)(?:\/|$)/.exec(path);
  return match?.[1] === undefined || match[2] === undefined
    ? undefined
    : { group: match[1], version: match[2] };
}

/** Service, port and a ready endpoint, in the order the availability controller checks them. */
export function resolveBackend(stores: AggregationStores, apiService: APIService): Resolution {
  const ref = apiService.spec.service ?? {};
  const namespace = ref.namespace ?? '';
  const name = ref.name ?? '';
  const port = apiServicePort(ref);
  const service = stores.services.get(namespace, name)?.object;
  if (service === undefined)
    return {
      ok: false,
      reason: 'ServiceNotFound',
      message: `service/${name} in "${namespace}" is not present`,
    };
  const servicePort = (service.spec.ports ?? []).find((p) => p.port === port);
  if (servicePort === undefined) {
    return {
      ok: false,
      reason: 'ServicePortError',
      message: `service/${name} in "${namespace}" is not listening on port ${port}`,
    };
  }
  const slices = stores.endpointSlices
    .all()
    .map((s) => s.object)
    .filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
  if (slices.length === 0) {
    return {
      ok: false,
      reason: 'EndpointsNotFound',
      message: `cannot find endpoints for service/${name} in "${namespace}"`,
    };
  }
  const portName = servicePort.name ?? '';
  for (const slice of slices) {
    const target = (slice.ports ?? []).find((p) => (p.name ?? '') === portName)?.port;
    const ready = slice.endpoints.find((e) => endpointReady(e) && e.addresses.length > 0);
    if (target !== undefined && ready !== undefined) {
      const caPem =
        apiService.spec.caBundle === undefined || apiService.spec.caBundle === ''
          ? undefined
          : Buffer.from(apiService.spec.caBundle, 'base64').toString('utf8');
      return {
        ok: true,
        backend: {
          host: ready.addresses[0]!,
          port: target,
          serverName: `${name}.${namespace}.svc`,
          caPem,
          insecure: apiService.spec.insecureSkipTLSVerify === true,
        },
      };
    }
  }
  return {
    ok: false,
    reason: 'MissingEndpoints',
    message: `endpoints for service/${name} in "${namespace}" have no addresses with port name "${portName}"`,
  };
}

function headerList(value: readonly string[] | undefined, fallback: string): string {
  return value?.[0] ?? fallback;
}

/** Headers sent on: the client's own, minus its credentials and any identity headers it forged. */
function forwardedHeaders(headers: IncomingHttpHeaders, context: AggregatorContext, user: UserInfo) {
  const userHeader = headerList(context.frontProxy?.usernameHeaders, 'X-Remote-User');
  const groupHeader = headerList(context.frontProxy?.groupHeaders, 'X-Remote-Group');
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (/^(authorization|host|connection|impersonate-.*|x-remote-.*)$/i.test(key)) continue;
    out[key] = value;
  }
  out[userHeader] = user.name;
  out[groupHeader] = [...user.groups];
  return out;
}

function tlsOptions(backend: Backend, context: AggregatorContext) {
  return {
    host: backend.host,
    port: backend.port,
    servername: backend.serverName,
    ca: backend.caPem,
    rejectUnauthorized: !backend.insecure,
    // The certificate must name the Service, whatever address was dialled.
    checkServerIdentity: (_host: string, cert: Parameters<typeof checkServerIdentity>[1]) =>
      checkServerIdentity(backend.serverName, cert),
    cert: context.frontProxy?.proxyClient?.certPem,
    key: context.frontProxy?.proxyClient?.keyPem,
    agent: false as const,
  };
}

function unavailable(res: ServerResponse, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendStatus(
    res,
    failureStatus(503, 'the server is currently unable to handle the request', {
      causes: [{ reason: 'UnexpectedServerResponse', message: detail }],
    }),
  );
}

/** Forwards one request to the APIService's backend, or answers 503. */
export function forward(
  context: AggregatorContext,
  apiService: APIService,
  user: UserInfo,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const available = availableCondition(apiService);
  if (available?.status === 'False') {
    unavailable(
      res,
      `APIService ${apiService.metadata.name ?? ''} is not available: ${available.reason ?? ''}`,
    );
    return;
  }
  const resolved = resolveBackend(context.stores, apiService);
  if (!resolved.ok) {
    unavailable(res, resolved.message);
    return;
  }
  const upstream = httpsRequest(
    {
      ...tlsOptions(resolved.backend, context),
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req.headers, context, user),
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    },
  );
  upstream.on('error', (error) => unavailable(res, `error trying to reach service: ${error.message}`));
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

/** How long the availability check waits for a discovery answer (kube-aggregator: 5 s). */
const DISCOVERY_TIMEOUT_MS = 5000;

/** GET /apis/<group>/<version> from the backend as the availability controller does. */
function discoveryCheck(
  context: AggregatorContext,
  backend: Backend,
  path: string,
): Promise<string | undefined> {
  const url = `https://${backend.host}:${backend.port}${path}`;
  return new Promise((resolve) => {
    const req = httpsRequest(
      {
        ...tlsOptions(backend, context),
        method: 'GET',
        path,
        timeout: DISCOVERY_TIMEOUT_MS,
        // The controller asks as system:kube-aggregator in system:masters, so authorization passes.
        headers: forwardedHeaders({}, context, {
          name: 'system:kube-aggregator',
          groups: ['system:masters'],
        }),
      },
      (answer) => {
        answer.resume();
        const code = answer.statusCode ?? 0;
        // 401 and 403 count as available: the server answered, its delegated auth may lag.
        resolve(code === 200 || code === 401 || code === 403 ? undefined : `bad status from ${url}: ${code}`);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Get "${url}": context deadline exceeded`)));
    req.on('error', (error) => resolve(`failing or missing response from ${url}: ${error.message}`));
    req.end();
  });
}

function condition(status: 'True' | 'False', reason: string, message: string): APIServiceCondition {
  return { type: 'Available', status, lastTransitionTime: new Date().toISOString(), reason, message };
}

/** One pass of the availability controller over every APIService; updates their status. */
export async function syncAvailability(context: AggregatorContext): Promise<void> {
  const all = context.stores.apiServices.all().map((s) => s.object);
  await Promise.all(
    all.map(async (apiService) => {
      let next: APIServiceCondition;
      if (apiService.spec.service === undefined || apiService.spec.service === null) {
        next = condition('True', 'Local', 'Local APIServices are always available');
      } else {
        const resolved = resolveBackend(context.stores, apiService);
        if (!resolved.ok) next = condition('False', resolved.reason, resolved.message);
        else {
          const path = `/apis/${apiService.spec.group ?? ''}/${apiService.spec.version ?? ''}`;
          const failure = await discoveryCheck(context, resolved.backend, path);
          next =
            failure === undefined
              ? condition('True', 'Passed', 'all checks passed')
              : condition('False', 'FailedDiscoveryCheck', failure);
        }
      }
      const others = apiService.status?.conditions?.filter((c) => c.type !== 'Available') ?? [];
      context.stores.apiServices.upsert({ ...apiService, status: { conditions: [...others, next] } });
    }),
  );
}
