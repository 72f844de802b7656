/**
 * Turning an API server error response into a {@link KubernetesApiError} with a hint that says what
 * to do: which APIService to check on 404/503, which RBAC rule is missing on 403, how to check the
 * credentials on 401, and how to recover from an expired `continue` token on 410.
 */
import {
  CUSTOM_METRICS_GROUP,
  EXTERNAL_METRICS_GROUP,
  METRICS_GROUP,
  STATUS_REASON_BY_CODE,
  isStatus,
} from '../api/index.js';
import type { Status, StatusDetails } from '../api/index.js';
import { KubemetricsError } from '../errors.js';

/**
 * What a request path means to the API server's authorizer, derived the way kube-apiserver's
 * RequestInfoFactory does it (k8s.io/apiserver pkg/endpoints/request/requestinfo.go):
 * `/api/v1/namespaces/<ns>/<resource>/<name>/<subresource>` and `/apis/<group>/<version>/...`.
 */
export interface RequestAttributes {
  /** `true` for `/api/...` and `/apis/<group>/<version>/...` paths; `false` for `/version`, `/apis`, discovery roots. */
  readonly isResourceRequest: boolean;
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  /** `get` when a name is present, otherwise `list` (only GETs are sent). */
  readonly verb: string;
}

/** Parses a request path (without query string) into {@link RequestAttributes}. */
export function requestAttributes(path: string): RequestAttributes {
  const parts = path
    .split('?')[0]!
    .split('/')
    .filter((p) => p !== '');
  const none: RequestAttributes = {
    isResourceRequest: false,
    group: '',
    version: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    verb: 'get',
  };
  let group = '';
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]!;
    rest = parts.slice(3);
  } else if (parts[0] === 'apis' && parts.length === 2) {
    return { ...none, group: parts[1]! };
  } else {
    return none;
  }
  const version = parts[0] === 'api' ? parts[1]! : parts[2]!;
  if (rest.length === 0) return { ...none, group, version };
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = decodeURIComponent(rest[1]!);
    rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] === undefined ? '' : decodeURIComponent(rest[1]);
  const subresource = rest[2] ?? '';
  return {
    isResourceRequest: true,
    group,
    version,
    resource,
    subresource,
    namespace,
    name,
    verb: name === '' ? 'list' : 'get',
  };
}

/** Where a request went and as whom; used to word the hints. */
export interface ApiErrorContext {
  /** Full request URL. */
  readonly url: string;
  /** Request path relative to the server (no query string). */
  readonly path: string;
  /** Whether the request carried a `continue` token (a later page of a paged list). */
  readonly isContinue?: boolean;
  /** kubeconfig context name, when known. */
  readonly contextName?: string;
  /** kubeconfig user name, when known. */
  readonly userName?: string;
}

/** Fields of a {@link KubernetesApiError}. */
export interface KubernetesApiErrorInit {
  readonly status: number;
  readonly reason: string;
  readonly message: string;
  readonly url: string;
  readonly hint?: string | undefined;
  readonly details?: StatusDetails | undefined;
  readonly retryAfterSeconds?: number | undefined;
  readonly cause?: unknown;
}

/**
 * The API server (or an aggregated API behind it) answered with an error status. `status` is the
 * HTTP code, `reason` the machine-readable reason from the `Status` body (`NotFound`, `Forbidden`,
 * `Expired`, ...; derived from the code when the body is not a Status), `url` the request URL and
 * `hint` what to do about it.
 */
export class KubernetesApiError extends KubemetricsError {
  /** HTTP status code. */
  readonly status: number;
  /** `Status.reason`, e.g. `NotFound`, `Forbidden`, `Unauthorized`, `Expired`, `ServiceUnavailable`. */
  readonly reason: string;
  /** The request URL. */
  readonly url: string;
  /** `Status.details` when the server sent them. */
  readonly details: StatusDetails | undefined;
  /** Seconds the server asked to wait (`Retry-After` or `Status.details.retryAfterSeconds`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: KubernetesApiErrorInit) {
    super('KUBEMETRICS_ERR_API', init.message, { hint: init.hint, cause: init.cause });
    this.name = 'KubernetesApiError';
    this.status = init.status;
    this.reason = init.reason;
    this.url = init.url;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** True when `error` is a {@link KubernetesApiError}, optionally with the given HTTP status. */
export function isKubernetesApiError(error: unknown, status?: number): error is KubernetesApiError {
  return error instanceof KubernetesApiError && (status === undefined || error.status === status);
}

/**
 * True for the error a paged list throws when its `continue` token expired (HTTP 410, reason
 * `Expired`): restart the list from the beginning.
 */
export function isExpiredError(error: unknown): error is KubernetesApiError {
  return error instanceof KubernetesApiError && error.status === 410;
}

const AGGREGATED_GROUP_LABEL: Readonly<Record<string, string>> = {
  [METRICS_GROUP]: 'resource metrics API (metrics.k8s.io)',
  [CUSTOM_METRICS_GROUP]: 'custom metrics API (custom.metrics.k8s.io)',
  [EXTERNAL_METRICS_GROUP]: 'external metrics API (external.metrics.k8s.io)',
};

const DEFAULT_VERSION_OF_GROUP: Readonly<Record<string, string>> = {
  [METRICS_GROUP]: 'v1beta1',
  [CUSTOM_METRICS_GROUP]: 'v1beta1',
  [EXTERNAL_METRICS_GROUP]: 'v1beta1',
};

function apiServiceName(group: string, version: string): string {
  return `${version || DEFAULT_VERSION_OF_GROUP[group] || 'v1'}.${group}`;
}

function quoteList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

/** The subject from a Forbidden message: `User "alice" cannot list ...`. */
function forbiddenSubject(message: string): string | undefined {
  return /\bUser "([^"]+)" cannot\b/.exec(message)?.[1];
}

function bindingCommand(attrs: RequestAttributes, subject: string | undefined): string {
  const sa = subject === undefined ? undefined : /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject);
  const who =
    sa !== undefined && sa !== null
      ? `--serviceaccount=${sa[1]}:${sa[2]}`
      : `--user=${subject ?? '<user-or-group>'}`;
  return attrs.namespace !== ''
    ? `kubectl create rolebinding kubemetrics-reader --clusterrole=kubemetrics-reader ${who} -n ${attrs.namespace}`
    : `kubectl create clusterrolebinding kubemetrics-reader --clusterrole=kubemetrics-reader ${who}`;
}

/** The ClusterRole YAML that grants exactly the request that was forbidden. */
export function rbacRuleFor(attrs: RequestAttributes): string {
  const resource = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata:',
    '  name: kubemetrics-reader',
    'rules:',
    `  - apiGroups: ${quoteList([attrs.group])}`,
    `    resources: ${quoteList([resource])}`,
    `    verbs: ${quoteList([attrs.verb])}`,
  ].join('\n');
}

function forbiddenHint(attrs: RequestAttributes, message: string, ctx: ApiErrorContext): string {
  if (!attrs.isResourceRequest || attrs.resource === '') {
    return `The credentials of ${who(ctx)} may not read ${ctx.path}; discovery paths are normally open to every authenticated user (ClusterRole system:discovery).`;
  }
  const resourceRef =
    (attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`) +
    (attrs.group === '' ? '' : `.${attrs.group}`);
  const scope = attrs.namespace === '' ? '' : ` -n ${attrs.namespace}`;
  return [
    `RBAC does not allow ${who(ctx)} to ${attrs.verb} ${resourceRef}${attrs.namespace === '' ? '' : ` in namespace "${attrs.namespace}"`}. This rule is missing:`,
    '',
    rbacRuleFor(attrs),
    '',
    `Bind it with: ${bindingCommand(attrs, forbiddenSubject(message))}`,
    `Check with:   kubectl auth can-i ${attrs.verb} ${resourceRef}${scope}`,
  ].join('\n');
}

function who(ctx: ApiErrorContext): string {
  if (ctx.userName !== undefined && ctx.contextName !== undefined) {
    return `user "${ctx.userName}" (context "${ctx.contextName}")`;
  }
  if (ctx.contextName !== undefined) return `the user of context "${ctx.contextName}"`;
  return 'the current user';
}

function notFoundHint(attrs: RequestAttributes, status: Status | undefined, ctx: ApiErrorContext): string {
  const group = attrs.group;
  // An aggregated group that is not registered answers a plain-text "404 page not found"; a
  // missing object inside a served group answers a Status with details (kind/name).
  const objectMissing = status?.details !== undefined && status.details.name !== undefined;
  if (group === METRICS_GROUP && !objectMissing) {
    return `The ${AGGREGATED_GROUP_LABEL[group]} is not served: is metrics-server installed? (\`kubectl get apiservices ${apiServiceName(group, attrs.version)}\`)`;
  }
  if ((group === CUSTOM_METRICS_GROUP || group === EXTERNAL_METRICS_GROUP) && !objectMissing) {
    const metricHint =
      attrs.isResourceRequest && attrs.resource !== ''
        ? ` If the API is served, the adapter may not know this metric: list what it serves with \`kubectl get --raw /apis/${group}/${attrs.version}\`.`
        : '';
    return `The ${AGGREGATED_GROUP_LABEL[group]} is not served: is an adapter such as prometheus-adapter installed? (\`kubectl get apiservices ${apiServiceName(group, attrs.version)}\`)${metricHint}`;
  }
  if (group === METRICS_GROUP) {
    const what =
      attrs.resource === 'nodes' ? `node "${attrs.name}"` : `pod "${attrs.namespace}/${attrs.name}"`;
    return `metrics-server has no sample for ${what}: it does not exist, has just started (metrics appear after one scrape interval), or is not running.`;
  }
  if (attrs.isResourceRequest && attrs.name !== '') {
    const where = attrs.namespace === '' ? '' : ` in namespace "${attrs.namespace}"`;
    return `${attrs.resource} "${attrs.name}" was not found${where} in the cluster of context "${ctx.contextName ?? 'current'}".`;
  }
  return `The path ${ctx.path} is not served by this API server (check the server version and installed APIs: \`kubectl api-versions\`).`;
}

function unavailableHint(attrs: RequestAttributes): string {
  const group = attrs.group;
  if (AGGREGATED_GROUP_LABEL[group] !== undefined) {
    const svc = apiServiceName(group, attrs.version);
    const backend =
      group === METRICS_GROUP
        ? ' (for metrics-server: `kubectl -n kube-system get pods -l k8s-app=metrics-server`)'
        : '';
    return `The APIService ${svc} is unavailable: check \`kubectl get apiservice ${svc} -o yaml\` (status.conditions) and the backing service and pods${backend}.`;
  }
  return 'The API server is unavailable or overloaded; the request was retried. Try again later.';
}

/** Builds the hint for an error status. Exported for tests and for callers that build their own errors. */
export function hintForStatus(
  code: number,
  status: Status | undefined,
  ctx: ApiErrorContext,
): string | undefined {
  const attrs = requestAttributes(ctx.path);
  const message = status?.message ?? '';
  switch (code) {
    case 401:
      return `The API server rejected the credentials of ${who(ctx)}: the token may have expired or the client certificate is not trusted. Check the context's user in your kubeconfig and run \`kubectl auth whoami${ctx.contextName === undefined ? '' : ` --context ${ctx.contextName}`}\`.`;
    case 403:
      return forbiddenHint(attrs, message, ctx);
    case 404:
      return notFoundHint(attrs, status, ctx);
    case 410:
      return ctx.isContinue === true
        ? 'The continue token of this paged list expired (the list took longer than the server keeps old versions, about 5 minutes): restart the list from the beginning, or pass `onExpired: "restart"`.'
        : 'The requested resourceVersion is too old: list again without resourceVersion.';
    case 429:
      return 'The API server is throttling requests (API Priority and Fairness); the request was retried. Lower the concurrency or try again later.';
    case 400:
      return attrs.isResourceRequest
        ? 'The server rejected the request parameters: check the labelSelector / fieldSelector syntax (e.g. `app=web,tier!=db`) and that the field selector is supported for this resource.'
        : undefined;
    case 503:
      return unavailableHint(attrs);
    default:
      if (code >= 500) {
        return AGGREGATED_GROUP_LABEL[attrs.group] === undefined
          ? 'The API server failed to handle the request; the request was retried. Check the API server health (`kubectl get --raw /readyz?verbose`).'
          : unavailableHint(attrs);
      }
      return undefined;
  }
}

/**
 * Builds a {@link KubernetesApiError} from an HTTP error response: `body` is parsed as a meta/v1
 * `Status` when it is one, otherwise its first 200 characters become part of the message.
 */
export function apiErrorFromResponse(
  code: number,
  body: string,
  ctx: ApiErrorContext,
  retryAfterSeconds?: number,
): KubernetesApiError {
  let status: Status | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (isStatus(parsed)) status = parsed;
  } catch {
    // Not JSON: an aggregator 404/503 page or a proxy's HTML. Quoted below.
  }
  const reason = status?.reason || STATUS_REASON_BY_CODE[code] || 'Unknown';
  const serverMessage = status?.message ?? body.trim().slice(0, 200);
  const message = `GET ${ctx.url} failed: HTTP ${code} ${reason}${serverMessage === '' ? '' : `: ${serverMessage}`}`;
  return new KubernetesApiError({
    status: code,
    reason,
    message,
    url: ctx.url,
    hint: hintForStatus(code, status, ctx),
    details: status?.details,
    retryAfterSeconds: retryAfterSeconds ?? status?.details?.retryAfterSeconds,
  });
}
