import { describe, expect, it } from 'vitest';
import { KubemetricsError } from '../errors.js';
import {
  KubernetesApiError,
  apiErrorFromResponse,
  isExpiredError,
  isKubernetesApiError,
  requestAttributes,
} from './api-error.js';
import type { ApiErrorContext } from './api-error.js';

// Path → authorizer attributes, following k8s.io/apiserver pkg/endpoints/request/requestinfo.go.
describe('requestAttributes', () => {
  const cases: Array<[string, Partial<ReturnType<typeof requestAttributes>>]> = [
    ['/api/v1/pods', { group: '', version: 'v1', resource: 'pods', namespace: '', verb: 'list' }],
    ['/api/v1/namespaces/ns1/pods/p1', { resource: 'pods', namespace: 'ns1', name: 'p1', verb: 'get' }],
    ['/api/v1/namespaces/ns1', { resource: 'namespaces', name: 'ns1', namespace: '', verb: 'get' }],
    ['/api/v1/nodes?limit=500', { resource: 'nodes', verb: 'list' }],
    [
      '/apis/metrics.k8s.io/v1beta1/nodes/n1',
      { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes', name: 'n1' },
    ],
    [
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/web/pods/*/http_requests',
      {
        group: 'custom.metrics.k8s.io',
        resource: 'pods',
        name: '*',
        subresource: 'http_requests',
        verb: 'get',
      },
    ],
    [
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/web/metrics/queue',
      { resource: 'metrics', name: 'queue', namespace: 'web' },
    ],
    [
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/web/queue_depth',
      { resource: 'queue_depth', name: '', namespace: 'web', verb: 'list' },
    ],
    ['/apis/metrics.k8s.io', { isResourceRequest: false, group: 'metrics.k8s.io' }],
    ['/version', { isResourceRequest: false }],
  ];
  it.each(cases)('%s', (path, expected) => {
    expect(requestAttributes(path)).toMatchObject(expected);
  });
});

function ctx(path: string, extra: Partial<ApiErrorContext> = {}): ApiErrorContext {
  return { url: `https://k8s.example:6443${path}`, path, contextName: 'prod', userName: 'alice', ...extra };
}

function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...(details === undefined ? {} : { details }),
  });
}

describe('apiErrorFromResponse: hints', () => {
  const cases: Array<[string, number, string, ApiErrorContext, RegExp[]]> = [
    [
      '404 on metrics.k8s.io (plain-text aggregator page) → metrics-server',
      404,
      '404 page not found',
      ctx('/apis/metrics.k8s.io/v1beta1/nodes'),
      [/is metrics-server installed\?/, /kubectl get apiservices v1beta1\.metrics\.k8s\.io/],
    ],
    [
      '404 on the metrics.k8s.io group discovery → metrics-server',
      404,
      statusBody(404, 'NotFound', 'the server could not find the requested resource', {}),
      ctx('/apis/metrics.k8s.io'),
      [/metrics-server/, /v1beta1\.metrics\.k8s\.io/],
    ],
    [
      '404 for one node inside a served metrics API → no sample for that node',
      404,
      statusBody(404, 'NotFound', 'nodemetrics.metrics.k8s.io "n9" not found', { name: 'n9', kind: 'nodes' }),
      ctx('/apis/metrics.k8s.io/v1/nodes/n9'),
      [/no sample for node "n9"/],
    ],
    [
      '404 on custom.metrics.k8s.io → adapter',
      404,
      '404 page not found',
      ctx('/apis/custom.metrics.k8s.io/v1beta2/namespaces/web/pods/*/rps'),
      [/prometheus-adapter/, /v1beta2\.custom\.metrics\.k8s\.io/],
    ],
    [
      '404 on external.metrics.k8s.io → adapter',
      404,
      '404 page not found',
      ctx('/apis/external.metrics.k8s.io/v1beta1/namespaces/web/queue'),
      [/adapter/, /v1beta1\.external\.metrics\.k8s\.io/],
    ],
    [
      '401 → credentials rejected',
      401,
      statusBody(401, 'Unauthorized', 'Unauthorized'),
      ctx('/api/v1/nodes'),
      [/rejected the credentials of user "alice" \(context "prod"\)/, /kubectl auth whoami --context prod/],
    ],
    [
      '403 on pod metrics in a namespace → ClusterRole rule + rolebinding',
      403,
      statusBody(
        403,
        'Forbidden',
        'pods.metrics.k8s.io is forbidden: User "alice" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "web"',
      ),
      ctx('/apis/metrics.k8s.io/v1beta1/namespaces/web/pods'),
      [
        /kind: ClusterRole/,
        /- apiGroups: \["metrics\.k8s\.io"\]\n {4}resources: \["pods"\]\n {4}verbs: \["list"\]/,
        /kubectl create rolebinding kubemetrics-reader --clusterrole=kubemetrics-reader --user=alice -n web/,
        /kubectl auth can-i list pods\.metrics\.k8s\.io -n web/,
      ],
    ],
    [
      '403 for a service account on nodes → clusterrolebinding with --serviceaccount',
      403,
      statusBody(
        403,
        'Forbidden',
        'nodes is forbidden: User "system:serviceaccount:mon:reader" cannot list resource "nodes" in API group "" at the cluster scope',
      ),
      ctx('/api/v1/nodes'),
      [
        /apiGroups: \[""\]/,
        /resources: \["nodes"\]/,
        /--serviceaccount=mon:reader/,
        /create clusterrolebinding/,
      ],
    ],
    [
      '403 on a custom metric → resource/subresource rule',
      403,
      statusBody(403, 'Forbidden', 'forbidden'),
      ctx('/apis/custom.metrics.k8s.io/v1beta2/namespaces/web/pods/*/rps'),
      [/apiGroups: \["custom\.metrics\.k8s\.io"\]/, /resources: \["pods\/rps"\]/, /verbs: \["get"\]/],
    ],
    [
      '503 on metrics.k8s.io → APIService unavailable',
      503,
      statusBody(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
      ctx('/apis/metrics.k8s.io/v1beta1/nodes'),
      [
        /kubectl get apiservice v1beta1\.metrics\.k8s\.io -o yaml/,
        /backing service and pods/,
        /k8s-app=metrics-server/,
      ],
    ],
    [
      '410 on a continue page → expired continue token',
      410,
      statusBody(410, 'Expired', 'The provided continue parameter is too old'),
      ctx('/api/v1/pods', { isContinue: true }),
      [/continue token/, /restart the list/, /onExpired/],
    ],
  ];
  it.each(cases)('%s', (_name, code, body, context, patterns) => {
    const error = apiErrorFromResponse(code, body, context);
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error).toBeInstanceOf(KubemetricsError);
    expect(error.code).toBe('KUBEMETRICS_ERR_API');
    expect(error.status).toBe(code);
    expect(error.url).toBe(context.url);
    for (const pattern of patterns) expect(error.hint).toMatch(pattern);
  });

  it('takes reason and message from the Status body', () => {
    const error = apiErrorFromResponse(
      410,
      statusBody(410, 'Expired', 'too old', { retryAfterSeconds: 2 }),
      ctx('/api/v1/pods'),
    );
    expect(error.reason).toBe('Expired');
    expect(error.message).toContain('HTTP 410 Expired: too old');
    expect(error.retryAfterSeconds).toBe(2);
    expect(isExpiredError(error)).toBe(true);
    expect(isKubernetesApiError(error, 410)).toBe(true);
    expect(isKubernetesApiError(error, 404)).toBe(false);
  });

  it('derives the reason from the code when the body is not a Status', () => {
    const error = apiErrorFromResponse(503, '<html>Service Unavailable</html>', ctx('/api/v1/pods'));
    expect(error.reason).toBe('ServiceUnavailable');
    expect(error.message).toContain('<html>Service Unavailable</html>');
  });
});
