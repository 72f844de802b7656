/**
 * Discovery (plain and aggregated, as kubectl ≥ 1.26 and kube-aggregator ask for it) and the
 * OpenAPI documents: structurally valid (every $ref resolves, every path parameter is declared,
 * operation ids unique) and true: every answer the server gives validates against the schema the
 * server itself publishes for that path, in both OpenAPI v3 and Swagger 2.0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsApiServer } from '../src/apiserver/index.js';
import type { MetricsApiServer } from '../src/apiserver/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import { customMetricResource } from './helpers/discovery.js';

type Json = unknown;
type Schema = Record<string, unknown>;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

let server: MetricsApiServer;
let base = '';
let empty: MetricsApiServer;
let emptyBase = '';

async function get(path: string, headers: Record<string, string> = {}, root = base): Promise<Reply> {
  const res = await fetch(root + path, { headers, redirect: 'manual' });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

function memory(): MemoryMetricsProvider {
  const m = new MemoryMetricsProvider();
  m.setCustomMetric({
    groupResource: 'pods',
    namespace: 'shop',
    name: 'web-1',
    metric: 'http_requests',
    value: '250m',
    labels: { app: 'web' },
    windowSeconds: 60,
  });
  m.setCustomMetric({
    groupResource: 'deployments.apps',
    namespace: 'shop',
    name: 'web',
    metric: 'queue_length',
    value: 3,
    metricLabels: { q: 'a' },
  });
  m.setCustomMetric({ groupResource: 'nodes', name: 'node-1', metric: 'temperature', value: '45' });
  m.setCustomMetric({ groupResource: 'namespaces', name: 'shop', metric: 'budget', value: '1k' });
  m.setExternalMetric({ metric: 'queue_depth', labels: { queue: 'orders' }, value: 42, windowSeconds: 30 });
  m.setNodeUsage({
    name: 'node-1',
    labels: { pool: 'a' },
    usage: { cpu: '1500m', memory: '6Gi' },
    windowSeconds: 20.5,
  });
  m.setPodUsage({
    namespace: 'shop',
    name: 'web-1',
    labels: { app: 'web' },
    containers: [{ name: 'app', usage: { cpu: '250m', memory: '128Mi' } }],
  });
  return m;
}

beforeAll(async () => {
  const m = memory();
  server = createMetricsApiServer({ providers: { custom: m, external: m, resource: m } });
  base = (await server.listen()).url;
  const nothing = new MemoryMetricsProvider();
  empty = createMetricsApiServer({ providers: { custom: nothing, external: nothing } });
  emptyBase = (await empty.listen()).url;
});

afterAll(async () => {
  await server.close();
  await empty.close();
});

describe('plain discovery', () => {
  it('/apis: APIGroupList with preferred versions (newest first)', async () => {
    const r = await get('/apis', { accept: 'application/json' });
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('vary')).toBe('Accept');
    expect(r.json).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        {
          name: 'metrics.k8s.io',
          versions: [
            { groupVersion: 'metrics.k8s.io/v1', version: 'v1' },
            { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' },
          ],
          preferredVersion: { groupVersion: 'metrics.k8s.io/v1', version: 'v1' },
        },
        {
          name: 'custom.metrics.k8s.io',
          versions: [
            { groupVersion: 'custom.metrics.k8s.io/v1beta2', version: 'v1beta2' },
            { groupVersion: 'custom.metrics.k8s.io/v1beta1', version: 'v1beta1' },
          ],
          preferredVersion: { groupVersion: 'custom.metrics.k8s.io/v1beta2', version: 'v1beta2' },
        },
        {
          name: 'external.metrics.k8s.io',
          versions: [{ groupVersion: 'external.metrics.k8s.io/v1beta1', version: 'v1beta1' }],
          preferredVersion: { groupVersion: 'external.metrics.k8s.io/v1beta1', version: 'v1beta1' },
        },
      ],
    });
  });

  it('/apis/<group> and /apis/<group>/<version> from what the providers list', async () => {
    expect((await get('/apis/external.metrics.k8s.io')).json).toMatchObject({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'external.metrics.k8s.io',
    });
    expect((await get('/apis/custom.metrics.k8s.io/v1beta1')).json).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'custom.metrics.k8s.io/v1beta1',
      resources: [
        customMetricResource('pods/http_requests', true),
        customMetricResource('deployments.apps/queue_length', true),
        customMetricResource('nodes/temperature', false),
        customMetricResource('namespaces/budget', false),
      ],
    });
    expect((await get('/apis/external.metrics.k8s.io/v1beta1')).json).toMatchObject({
      resources: [{ name: 'queue_depth', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] }],
    });
    expect((await get('/apis/metrics.k8s.io/v1beta1')).json).toMatchObject({
      resources: [
        { name: 'nodes', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
        { name: 'pods', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
      ],
    });
  });

  it('never an empty resource list: placeholders while providers have nothing', async () => {
    const custom = await get('/apis/custom.metrics.k8s.io/v1beta2', {}, emptyBase);
    expect(custom.json).toMatchObject({ resources: [{ name: 'custommetrics', kind: 'MetricValueList' }] });
    const external = await get('/apis/external.metrics.k8s.io/v1beta1', {}, emptyBase);
    expect(external.json).toMatchObject({
      resources: [{ name: 'externalmetrics', kind: 'ExternalMetricValueList' }],
    });
  });

  it('unknown groups and versions are 404 Status', async () => {
    for (const path of [
      '/apis/apps',
      '/apis/custom.metrics.k8s.io/v2',
      '/apis/metrics.k8s.io/v1beta1',
      '/apis/metrics.k8s.io',
    ]) {
      const r = await get(path, {}, emptyBase);
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound' });
    }
  });
});

describe('aggregated discovery (apidiscovery.k8s.io v2 / v2beta1)', () => {
  it('kubectl Accept → APIGroupDiscoveryList v2, Content-Type echoes the media type parameters', async () => {
    const r = await get('/apis', { accept: KUBECTL_ACCEPT });
    expect(r.headers.get('content-type')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(r.headers.get('vary')).toBe('Accept');
    const list = r.json as {
      kind: string;
      apiVersion: string;
      items: {
        metadata: { name: string };
        versions: { version: string; freshness: string; resources: Schema[] }[];
      }[];
    };
    expect(list.kind).toBe('APIGroupDiscoveryList');
    expect(list.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(list.items.map((i) => [i.metadata.name, i.versions.map((v) => v.version)])).toEqual([
      ['metrics.k8s.io', ['v1', 'v1beta1']],
      ['custom.metrics.k8s.io', ['v1beta2', 'v1beta1']],
      ['external.metrics.k8s.io', ['v1beta1']],
    ]);
    const custom = list.items[1]?.versions[0];
    expect(custom?.freshness).toBe('Current');
    expect(custom?.resources[0]).toEqual({
      resource: 'pods',
      responseKind: { group: '', version: '', kind: '' },
      scope: 'Namespaced',
      singularResource: '',
      verbs: [],
      subresources: [
        {
          subresource: 'http_requests',
          responseKind: { group: 'custom.metrics.k8s.io', version: 'v1beta2', kind: 'MetricValueList' },
          verbs: ['get'],
        },
      ],
    });
    expect(list.items[0]?.versions[0]?.resources[0]).toEqual({
      resource: 'nodes',
      responseKind: { group: 'metrics.k8s.io', version: 'v1', kind: 'NodeMetrics' },
      scope: 'Cluster',
      singularResource: '',
      verbs: ['get', 'list'],
    });
  });

  it('v2beta1 when only that is accepted; /api aggregated is an empty list', async () => {
    const r = await get('/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    });
    expect(r.headers.get('content-type')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    );
    expect(r.json).toMatchObject({
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2beta1',
    });
    const core = await get('/api', { accept: KUBECTL_ACCEPT });
    expect(core.json).toEqual({
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
      items: [],
    });
  });

  it('ETag revalidation answers 304', async () => {
    const first = await get('/apis', { accept: KUBECTL_ACCEPT });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await get('/apis', { accept: KUBECTL_ACCEPT, 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// A validator for the JSON Schema subset our OpenAPI documents use.

function resolvePointer(root: Json, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref}`);
  let node: Json = root;
  for (const part of ref.slice(2).split('/')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part))
      throw new Error(`unresolved $ref ${ref}`);
    node = (node as Record<string, Json>)[part];
  }
  return node as Schema;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Validates `value` against `schema`; returns the problems, empty when valid. Unknown object fields are problems. */
function validate(schema: Schema, value: Json, root: Json, at = '$'): string[] {
  if (typeof schema['$ref'] === 'string')
    return validate(resolvePointer(root, schema['$ref']), value, root, at);
  if (value === null && (schema['nullable'] === true || schema['x-nullable'] === true)) return [];
  const problems: string[] = [];
  if (Array.isArray(schema['allOf']))
    for (const s of schema['allOf'] as Schema[]) problems.push(...validate(s, value, root, at));
  if (Array.isArray(schema['oneOf'])) {
    const matching = (schema['oneOf'] as Schema[]).filter(
      (s) => validate(s, value, root, at).length === 0,
    ).length;
    if (matching !== 1) problems.push(`${at}: matches ${matching} of oneOf`);
  }
  const type = schema['type'];
  const is =
    type === undefined ||
    (type === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value)) ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'boolean' && typeof value === 'boolean');
  if (!is) return [...problems, `${at}: expected ${JSON.stringify(type)}, got ${JSON.stringify(value)}`];
  if (schema['format'] === 'date-time' && !RFC3339.test(value as string))
    problems.push(`${at}: not RFC 3339: ${String(value)}`);
  if (Array.isArray(value) && schema['items'] !== undefined)
    value.forEach((item, i) =>
      problems.push(...validate(schema['items'] as Schema, item, root, `${at}[${i}]`)),
    );
  if (type === 'object') {
    const object = value as Record<string, Json>;
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const key of (schema['required'] ?? []) as string[])
      if (!(key in object)) problems.push(`${at}.${key}: required`);
    for (const [key, child] of Object.entries(object)) {
      const declared = properties[key];
      const additional = schema['additionalProperties'];
      if (declared !== undefined) problems.push(...validate(declared, child, root, `${at}.${key}`));
      else if (typeof additional === 'object' && additional !== null)
        problems.push(...validate(additional as Schema, child, root, `${at}.${key}`));
      else if (additional !== true) problems.push(`${at}.${key}: not in the schema`);
    }
  }
  return problems;
}

/** Every $ref in a document resolves. */
function unresolvedRefs(doc: Json): string[] {
  const problems: string[] = [];
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      if (key === '$ref') {
        try {
          resolvePointer(doc, child as string);
        } catch (error) {
          problems.push((error as Error).message);
        }
      } else visit(child);
    }
  };
  visit(doc);
  return problems;
}

interface PathItem {
  get: { operationId: string; responses: Record<string, Schema>; parameters?: Schema[] };
  parameters?: Schema[];
}

/** Structural checks of an OpenAPI v3 or Swagger 2.0 document. */
function documentProblems(doc: Record<string, Json>, dialect: 'v2' | 'v3'): string[] {
  const problems = unresolvedRefs(doc);
  if (dialect === 'v3' && !/^3\.0\.\d+$/.test(String(doc['openapi']))) problems.push('openapi must be 3.0.x');
  if (dialect === 'v2' && doc['swagger'] !== '2.0') problems.push('swagger must be "2.0"');
  const info = doc['info'] as Record<string, unknown> | undefined;
  if (typeof info?.['title'] !== 'string' || typeof info['version'] !== 'string')
    problems.push('info.title and info.version are required');
  const paths = doc['paths'] as Record<string, PathItem>;
  if (typeof paths !== 'object' || Object.keys(paths).length === 0) problems.push('no paths');
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/')) problems.push(`${path}: must start with /`);
    const declared = [...(item.parameters ?? []), ...(item.get.parameters ?? [])];
    for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
      const param = declared.find((p) => p['name'] === name && p['in'] === 'path');
      if (param?.['required'] !== true)
        problems.push(`${path}: path parameter ${name} not declared as required`);
    }
    for (const p of declared) {
      if (dialect === 'v3' && typeof p['schema'] !== 'object')
        problems.push(`${path}: parameter ${String(p['name'])} needs a schema`);
      if (dialect === 'v2' && typeof p['type'] !== 'string')
        problems.push(`${path}: parameter ${String(p['name'])} needs a type`);
    }
    if (typeof item.get.operationId !== 'string') problems.push(`${path}: operationId missing`);
    if (item.get.responses['200'] === undefined) problems.push(`${path}: no 200 response`);
    for (const [code, response] of Object.entries(item.get.responses))
      if (typeof response['description'] !== 'string') problems.push(`${path} ${code}: description missing`);
  }
  return problems;
}

function templateFor(paths: Record<string, PathItem>, path: string): string | undefined {
  const candidates = Object.keys(paths).filter((template) =>
    new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  // Prefer the template with the most literal characters (namespaces/{ns}/metrics/{m} over {resource}/{name}/{metric}).
  return candidates.sort(
    (a, b) => b.replace(/\{[^}]+\}/g, '').length - a.replace(/\{[^}]+\}/g, '').length,
  )[0];
}

function responseSchema(
  doc: Record<string, Json>,
  item: PathItem,
  status: number,
  dialect: 'v2' | 'v3',
): Schema {
  const response = item.get.responses[status === 200 ? '200' : 'default'] as Record<string, Json>;
  if (dialect === 'v2') return response['schema'] as Schema;
  return ((response['content'] as Record<string, Record<string, Json>>)['application/json']?.['schema'] ??
    {}) as Schema;
}

/** Requests whose answers must validate: every route shape, successes and errors. */
const REQUESTS = [
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/web-1/http_requests',
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1/http_requests',
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=app%3Dweb',
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/%2A/http_requests?labelSelector=app%3Dweb',
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/deployments.apps/web/queue_length?metricLabelSelector=q%3Da',
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/deployments.apps/web/queue_length?metricLabelSelector=q%3Da',
  '/apis/custom.metrics.k8s.io/v1beta2/nodes/node-1/temperature',
  '/apis/custom.metrics.k8s.io/v1beta1/nodes/*/temperature',
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/metrics/budget',
  '/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/metrics/budget',
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/nope',
  '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests?labelSelector=a+in+(',
  '/apis/custom.metrics.k8s.io/v1beta2/',
  '/apis/custom.metrics.k8s.io/v1beta1/',
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth',
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth?labelSelector=queue%3Dorders',
  '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/nope',
  '/apis/external.metrics.k8s.io/v1beta1/',
  '/apis/metrics.k8s.io/v1/nodes',
  '/apis/metrics.k8s.io/v1beta1/nodes/node-1',
  '/apis/metrics.k8s.io/v1beta1/nodes/nope',
  '/apis/metrics.k8s.io/v1/pods',
  '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb',
  '/apis/metrics.k8s.io/v1/namespaces/shop/pods/web-1',
  '/apis/metrics.k8s.io/v1/pods?fieldSelector=spec.nodeName%3Dx',
  '/apis/metrics.k8s.io/v1/',
];

describe('OpenAPI documents', () => {
  let v2: Record<string, Json>;
  const v3 = new Map<string, Record<string, Json>>();

  beforeAll(async () => {
    v2 = (await get('/openapi/v2')).json as Record<string, Json>;
    const index = (await get('/openapi/v3')).json as { paths: Record<string, { serverRelativeURL: string }> };
    for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
      const r = await get(serverRelativeURL);
      expect(r.status, serverRelativeURL).toBe(200);
      expect(r.headers.get('cache-control')).toBe('public, immutable');
      v3.set(key, r.json as Record<string, Json>);
    }
  });

  it('/openapi/v3 indexes every served group version (kube-openapi handler3 format)', () => {
    expect([...v3.keys()].sort()).toEqual([
      'apis/custom.metrics.k8s.io/v1beta1',
      'apis/custom.metrics.k8s.io/v1beta2',
      'apis/external.metrics.k8s.io/v1beta1',
      'apis/metrics.k8s.io/v1',
      'apis/metrics.k8s.io/v1beta1',
    ]);
  });

  it('documents are structurally valid; operation ids are unique', () => {
    expect(documentProblems(v2, 'v2')).toEqual([]);
    for (const [key, doc] of v3) expect(documentProblems(doc, 'v3'), key).toEqual([]);
    const ids = Object.values(v2['paths'] as Record<string, PathItem>).map((p) => p.get.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const idsV3 = [...v3.values()].flatMap((d) =>
      Object.values(d['paths'] as Record<string, PathItem>).map((p) => p.get.operationId),
    );
    expect(new Set(idsV3).size).toBe(idsV3.length);
    expect(idsV3.sort()).toEqual([...ids].sort());
  });

  it('kinds carry x-kubernetes-group-version-kind', () => {
    const schemas = (
      v3.get('apis/custom.metrics.k8s.io/v1beta2')?.['components'] as { schemas: Record<string, Schema> }
    ).schemas;
    expect(
      schemas['io.k8s.metrics.pkg.apis.custom_metrics.v1beta2.MetricValueList']?.[
        'x-kubernetes-group-version-kind'
      ],
    ).toEqual([{ group: 'custom.metrics.k8s.io', version: 'v1beta2', kind: 'MetricValueList' }]);
  });

  it.each(REQUESTS)('%s validates against the published v3 and v2 schemas', async (path) => {
    const r = await get(path);
    expect([200, 400, 404]).toContain(r.status);
    const [rawPath = ''] = path.split('?');
    const group = rawPath.split('/').slice(2, 4).join('/');
    const doc = v3.get(`apis/${group}`);
    expect(doc, group).toBeDefined();
    for (const [dialect, document] of [
      ['v3', doc],
      ['v2', v2],
    ] as const) {
      const paths = document?.['paths'] as Record<string, PathItem>;
      const template = templateFor(paths, rawPath.replace('%2A', '*'));
      expect(template, `${dialect} template for ${rawPath}`).toBeDefined();
      const schema = responseSchema(document ?? {}, paths[template ?? ''] as PathItem, r.status, dialect);
      expect(validate(schema, r.json, document), `${dialect} ${path}`).toEqual([]);
    }
  });

  it('the validator does reject what does not match', () => {
    const doc = v3.get('apis/metrics.k8s.io/v1') as Record<string, Json>;
    const schema = { $ref: '#/components/schemas/io.k8s.metrics.pkg.apis.metrics.v1.NodeMetricsList' };
    expect(
      validate(
        schema,
        { metadata: {}, items: [{ timestamp: 'yesterday', window: 1, usage: { cpu: true }, extra: 1 }] },
        doc,
      ),
    ).toEqual([
      '$.items[0].timestamp: not RFC 3339: yesterday',
      '$.items[0].window: expected "string", got 1',
      '$.items[0].usage.cpu: matches 0 of oneOf',
      '$.items[0].extra: not in the schema',
    ]);
  });

  it('an outdated hash redirects to the current one; ETags revalidate', async () => {
    const r = await get('/openapi/v3/apis/metrics.k8s.io/v1?hash=OLD');
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toMatch(
      /^\/openapi\/v3\/apis\/metrics\.k8s\.io\/v1\?hash=[0-9A-F]{128}$/,
    );
    const plain = await get('/openapi/v2');
    const etag = plain.headers.get('etag') ?? '';
    expect((await get('/openapi/v2', { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/openapi/v3/apis/apps/v1')).status).toBe(404);
  });

  it('a server with fewer groups publishes only those', async () => {
    const index = (await get('/openapi/v3', {}, emptyBase)).json as { paths: Record<string, unknown> };
    expect(Object.keys(index.paths).sort()).toEqual([
      'apis/custom.metrics.k8s.io/v1beta1',
      'apis/custom.metrics.k8s.io/v1beta2',
      'apis/external.metrics.k8s.io/v1beta1',
    ]);
    const doc = (await get('/openapi/v2', {}, emptyBase)).json as Record<string, Json>;
    expect(documentProblems(doc, 'v2')).toEqual([]);
    expect(Object.keys(doc['paths'] as object).some((p) => p.includes('/metrics.k8s.io/'))).toBe(false);
  });
});
