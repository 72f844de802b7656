import { describe, expect, it } from 'vitest';
import { requestAttributes } from '../auth/auth.js';
import { parseRoute } from './route.js';
import type { Route } from './route.js';

/** Every URL shape the HPA, kubectl and kube-aggregator send (custom-metrics-apiserver installer.go, metrics-server). */
const ROUTES: readonly [string, Route][] = [
  ['/healthz', { kind: 'health', check: 'healthz' }],
  ['/livez', { kind: 'health', check: 'livez' }],
  ['/readyz?verbose', { kind: 'health', check: 'readyz' }],
  ['/version', { kind: 'version' }],
  ['/api', { kind: 'core-api-versions' }],
  ['/api/v1', { kind: 'core-resources' }],
  ['/apis', { kind: 'api-groups' }],
  ['/apis/', { kind: 'api-groups' }],
  ['/apis/custom.metrics.k8s.io', { kind: 'api-group', group: 'custom.metrics.k8s.io' }],
  [
    '/apis/custom.metrics.k8s.io/v1beta2',
    { kind: 'api-resources', group: 'custom.metrics.k8s.io', version: 'v1beta2' },
  ],
  ['/apis/example.com/v1', { kind: 'api-resources', group: 'example.com', version: 'v1' }],
  ['/openapi/v2', { kind: 'openapi-v2' }],
  ['/openapi/v3', { kind: 'openapi-v3' }],
  [
    '/openapi/v3/apis/metrics.k8s.io/v1beta1?hash=ABC',
    { kind: 'openapi-v3-group-version', group: 'metrics.k8s.io', version: 'v1beta1' },
  ],
  // custom.metrics.k8s.io: one namespaced object
  [
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests',
    {
      kind: 'custom-metric',
      version: 'v1beta2',
      groupResource: { group: '', resource: 'pods' },
      namespace: 'shop',
      name: 'web-1',
      metric: 'http_requests',
    },
  ],
  // the HPA's Pods metric: every pod matching a selector, `*` literal and percent-encoded
  [
    '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/*/http_requests?labelSelector=app%3Dweb',
    {
      kind: 'custom-metric',
      version: 'v1beta1',
      groupResource: { group: '', resource: 'pods' },
      namespace: 'shop',
      name: undefined,
      metric: 'http_requests',
    },
  ],
  [
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/%2A/http_requests',
    {
      kind: 'custom-metric',
      version: 'v1beta2',
      groupResource: { group: '', resource: 'pods' },
      namespace: 'shop',
      name: undefined,
      metric: 'http_requests',
    },
  ],
  // the HPA's Object metric on a grouped resource
  [
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/deployments.apps/web/queue_length?metricLabelSelector=q%3Dorders',
    {
      kind: 'custom-metric',
      version: 'v1beta2',
      groupResource: { group: 'apps', resource: 'deployments' },
      namespace: 'shop',
      name: 'web',
      metric: 'queue_length',
    },
  ],
  [
    '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/ingresses.networking.k8s.io/front/rps',
    {
      kind: 'custom-metric',
      version: 'v1beta2',
      groupResource: { group: 'networking.k8s.io', resource: 'ingresses' },
      namespace: 'shop',
      name: 'front',
      metric: 'rps',
    },
  ],
  // cluster-scoped objects
  [
    '/apis/custom.metrics.k8s.io/v1beta2/nodes/node-1/temperature',
    {
      kind: 'custom-metric',
      version: 'v1beta2',
      groupResource: { group: '', resource: 'nodes' },
      namespace: '',
      name: 'node-1',
      metric: 'temperature',
    },
  ],
  [
    '/apis/custom.metrics.k8s.io/v1beta2/nodes/%2a/temperature',
    {
      kind: 'custom-metric',
      version: 'v1beta2',
      groupResource: { group: '', resource: 'nodes' },
      namespace: '',
      name: undefined,
      metric: 'temperature',
    },
  ],
  // metrics about a namespace itself
  [
    '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/metrics/queue_length',
    {
      kind: 'custom-metric',
      version: 'v1beta1',
      groupResource: { group: '', resource: 'namespaces' },
      namespace: '',
      name: 'shop',
      metric: 'queue_length',
    },
  ],
  // external
  [
    '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth?labelSelector=queue%3Dorders',
    { kind: 'external-metric', version: 'v1beta1', namespace: 'shop', metric: 'queue_depth' },
  ],
  // resource metrics, both versions
  ['/apis/metrics.k8s.io/v1beta1/nodes', { kind: 'node-metrics', version: 'v1beta1', name: undefined }],
  ['/apis/metrics.k8s.io/v1/nodes/node-1', { kind: 'node-metrics', version: 'v1', name: 'node-1' }],
  [
    '/apis/metrics.k8s.io/v1beta1/pods',
    { kind: 'pod-metrics', version: 'v1beta1', namespace: '', name: undefined },
  ],
  [
    '/apis/metrics.k8s.io/v1/namespaces/shop/pods?labelSelector=app%3Dweb',
    { kind: 'pod-metrics', version: 'v1', namespace: 'shop', name: undefined },
  ],
  [
    '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1',
    { kind: 'pod-metrics', version: 'v1beta1', namespace: 'shop', name: 'web-1' },
  ],
  // absolute-form target (through an HTTP proxy)
  [
    'http://127.0.0.1:8443/apis/metrics.k8s.io/v1/nodes',
    { kind: 'node-metrics', version: 'v1', name: undefined },
  ],
];

const NOT_FOUND = [
  '/',
  '/foo',
  '/api/v2',
  '/apis/custom.metrics.k8s.io/v1beta2/pods',
  '/apis/custom.metrics.k8s.io/v1beta2/pods/web-1',
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1',
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests/extra',
  '/apis/custom.metrics.k8s.io/v1alpha1/namespaces/shop/pods/web-1/http_requests',
  '/apis/external.metrics.k8s.io/v1beta1/queue_depth',
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth/extra',
  '/apis/metrics.k8s.io/v1beta1/nodes/a/b',
  '/apis/metrics.k8s.io/v1beta1/pods/web-1',
  '/apis/metrics.k8s.io/v1beta1/namespaces/shop',
  '/apis/metrics.k8s.io/v2/nodes',
  '/apis//metrics.k8s.io',
  '/openapi/v3/apis/metrics.k8s.io',
  '/healthz/extra',
];

const BAD_REQUEST = [
  '/apis/metrics.k8s.io/v1beta1/nodes/%zz',
  '/apis/metrics.k8s.io/v1beta1/nodes/..',
  '/apis/metrics.k8s.io/v1beta1/nodes/a%2Fb',
  '/apis/metrics.k8s.io/v1beta1/nodes/100%25',
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/.apps/x/m',
];

describe('parseRoute (URL shapes of custom-metrics-apiserver and metrics-server)', () => {
  it.each(ROUTES)('%s', (url, route) => {
    const result = parseRoute(url);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.route).toEqual(route);
  });

  it.each(NOT_FOUND)('404 for %s', (url) => {
    const result = parseRoute(url);
    expect(result).toMatchObject({
      ok: false,
      code: 404,
      message: 'the server could not find the requested resource',
    });
  });

  it.each(BAD_REQUEST)('400 for %s', (url) => {
    expect(parseRoute(url)).toMatchObject({ ok: false, code: 400 });
  });

  it('keeps the raw path and the query', () => {
    const result = parseRoute(
      '/apis/metrics.k8s.io/v1/pods?labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dx',
    );
    expect(result.path).toBe('/apis/metrics.k8s.io/v1/pods');
    expect(result.query.get('labelSelector')).toBe('app=web');
    expect(result.query.get('fieldSelector')).toBe('metadata.name=x');
  });
});

describe('requestAttributes (k8s.io/apiserver RequestInfoFactory)', () => {
  const attributes = (url: string) => {
    const match = parseRoute(url);
    if (!match.ok) throw new Error(match.message);
    return requestAttributes(match, match.path, { username: 'hpa' });
  };

  it('custom metrics by selector: get pods, name *, subresource = metric', () => {
    expect(
      attributes('/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/%2A/http_requests'),
    ).toMatchObject({
      resourceRequest: true,
      verb: 'get',
      apiGroup: 'custom.metrics.k8s.io',
      apiVersion: 'v1beta2',
      namespace: 'shop',
      resource: 'pods',
      name: '*',
      subresource: 'http_requests',
    });
  });

  it('metrics about a namespace: resource "metrics", name = metric', () => {
    expect(attributes('/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/metrics/queue')).toMatchObject({
      verb: 'get',
      namespace: 'shop',
      resource: 'metrics',
      name: 'queue',
    });
  });

  it('external and resource metrics lists are verb list', () => {
    expect(attributes('/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth')).toMatchObject({
      verb: 'list',
      namespace: 'shop',
      resource: 'queue_depth',
    });
    expect(attributes('/apis/metrics.k8s.io/v1beta1/nodes')).toMatchObject({
      verb: 'list',
      resource: 'nodes',
      namespace: '',
    });
    expect(attributes('/apis/metrics.k8s.io/v1beta1/namespaces/a/pods/p')).toMatchObject({
      verb: 'get',
      resource: 'pods',
      namespace: 'a',
      name: 'p',
    });
  });

  it('discovery, OpenAPI and health are non-resource requests', () => {
    for (const url of ['/apis', '/apis/metrics.k8s.io/v1beta1', '/openapi/v2', '/version', '/healthz'])
      expect(attributes(url)).toMatchObject({ resourceRequest: false, verb: 'get', path: url });
  });
});
