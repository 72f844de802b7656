/**
 * OpenAPI documents of the served groups: `/openapi/v2` (Swagger 2.0, one document), `/openapi/v3`
 * (an index of group versions, k8s.io/kube-openapi `handler3`) and `/openapi/v3/apis/<g>/<v>`
 * (OpenAPI 3.0, one document per group version). kube-apiserver's aggregator downloads them from
 * every APIService backend; a 404 or 500 there is logged on every sync, so they must always exist
 * and be valid. The documents depend only on which groups are served, so they are built once.
 */
import { createHash } from 'node:crypto';
import { CUSTOM_METRICS_GROUP, METRICS_GROUP } from '../../api/index.js';
import type { ServedGroup } from '../discovery/discovery.js';
import { buildSchemas, metricsSchemaName, referencedSchemas, SCHEMA_NAMES } from './openapi-schemas.js';
import type { OpenApiDialect, SchemaObject } from './openapi-schemas.js';

interface Parameter {
  readonly name: string;
  readonly description: string;
}

/** One GET operation, dialect-neutral. */
interface Operation {
  readonly path: string;
  readonly operationId: string;
  readonly description: string;
  readonly action: 'get' | 'list';
  readonly response: string;
  readonly gvk: { group: string; version: string; kind: string };
  readonly tag: string;
  readonly pathParams: readonly Parameter[];
  readonly queryParams: readonly Parameter[];
}

const P = {
  namespace: { name: 'namespace', description: 'object name and auth scope, such as for teams and projects' },
  name: {
    name: 'name',
    description: 'name of the described object, or * for every object matching labelSelector',
  },
  resource: {
    name: 'resource',
    description: 'the resource of the described objects, group-qualified: pods, deployments.apps',
  },
  metric: { name: 'metric', description: 'the name of the metric' },
  objectName: { name: 'name', description: 'name of the object' },
} satisfies Record<string, Parameter>;

const Q = {
  labelSelector: {
    name: 'labelSelector',
    description: 'A selector to restrict the list of returned objects by their labels.',
  },
  fieldSelector: {
    name: 'fieldSelector',
    description:
      'A selector on metadata.name and metadata.namespace to restrict the list of returned objects.',
  },
  metricLabelSelector: {
    name: 'metricLabelSelector',
    description: "A selector on the metric's own labels, choosing among its series.",
  },
  pretty: { name: 'pretty', description: "If 'true', then the output is pretty printed." },
} satisfies Record<string, Parameter>;

function camel(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The operations of one served group version. */
function operationsFor(group: string, version: string): Operation[] {
  const prefix = `/apis/${group}/${version}`;
  const v = camel(version);
  const tagBase =
    group === METRICS_GROUP
      ? 'metrics'
      : group === CUSTOM_METRICS_GROUP
        ? 'custom_metrics'
        : 'external_metrics';
  const tag = `${tagBase}_${version}`;
  const idBase =
    group === METRICS_GROUP
      ? 'Metrics'
      : group === CUSTOM_METRICS_GROUP
        ? 'CustomMetrics'
        : 'ExternalMetrics';
  const resources: Operation = {
    path: `${prefix}/`,
    operationId: `get${idBase}${v}APIResources`,
    description: 'get available resources',
    action: 'get',
    response: SCHEMA_NAMES.apiResourceList,
    gvk: { group, version, kind: 'APIResourceList' },
    tag,
    pathParams: [],
    queryParams: [],
  };
  const gvk = (kind: string): Operation['gvk'] => ({ group, version, kind });
  const schema = (kind: string): string => metricsSchemaName(group, version, kind);
  if (group === METRICS_GROUP) {
    return [
      resources,
      {
        path: `${prefix}/nodes`,
        operationId: `list${idBase}${v}NodeMetrics`,
        description: 'list resource usage of nodes',
        action: 'list',
        response: schema('NodeMetricsList'),
        gvk: gvk('NodeMetricsList'),
        tag,
        pathParams: [],
        queryParams: [Q.labelSelector, Q.fieldSelector, Q.pretty],
      },
      {
        path: `${prefix}/nodes/{name}`,
        operationId: `read${idBase}${v}NodeMetrics`,
        description: 'read resource usage of the specified node',
        action: 'get',
        response: schema('NodeMetrics'),
        gvk: gvk('NodeMetrics'),
        tag,
        pathParams: [P.objectName],
        queryParams: [Q.pretty],
      },
      {
        path: `${prefix}/pods`,
        operationId: `list${idBase}${v}PodMetricsForAllNamespaces`,
        description: 'list resource usage of pods in all namespaces',
        action: 'list',
        response: schema('PodMetricsList'),
        gvk: gvk('PodMetricsList'),
        tag,
        pathParams: [],
        queryParams: [Q.labelSelector, Q.fieldSelector, Q.pretty],
      },
      {
        path: `${prefix}/namespaces/{namespace}/pods`,
        operationId: `list${idBase}${v}NamespacedPodMetrics`,
        description: 'list resource usage of pods in a namespace',
        action: 'list',
        response: schema('PodMetricsList'),
        gvk: gvk('PodMetricsList'),
        tag,
        pathParams: [P.namespace],
        queryParams: [Q.labelSelector, Q.fieldSelector, Q.pretty],
      },
      {
        path: `${prefix}/namespaces/{namespace}/pods/{name}`,
        operationId: `read${idBase}${v}NamespacedPodMetrics`,
        description: 'read resource usage of the specified pod',
        action: 'get',
        response: schema('PodMetrics'),
        gvk: gvk('PodMetrics'),
        tag,
        pathParams: [P.namespace, P.objectName],
        queryParams: [Q.pretty],
      },
    ];
  }
  if (group === CUSTOM_METRICS_GROUP) {
    const list = schema('MetricValueList');
    return [
      resources,
      {
        path: `${prefix}/namespaces/{namespace}/{resource}/{name}/{metric}`,
        operationId: `list${idBase}${v}NamespacedMetricValue`,
        description:
          'read a metric of a namespaced object, or of every object matching labelSelector (name *)',
        action: 'get',
        response: list,
        gvk: gvk('MetricValueList'),
        tag,
        pathParams: [P.namespace, P.resource, P.name, P.metric],
        queryParams: [Q.labelSelector, Q.metricLabelSelector, Q.pretty],
      },
      {
        path: `${prefix}/{resource}/{name}/{metric}`,
        operationId: `list${idBase}${v}MetricValue`,
        description:
          'read a metric of a cluster-scoped object, or of every object matching labelSelector (name *)',
        action: 'get',
        response: list,
        gvk: gvk('MetricValueList'),
        tag,
        pathParams: [P.resource, P.name, P.metric],
        queryParams: [Q.labelSelector, Q.metricLabelSelector, Q.pretty],
      },
      {
        path: `${prefix}/namespaces/{namespace}/metrics/{metric}`,
        operationId: `read${idBase}${v}MetricValueForNamespace`,
        description: 'read a metric describing the namespace itself',
        action: 'get',
        response: list,
        gvk: gvk('MetricValueList'),
        tag,
        pathParams: [P.namespace, P.metric],
        queryParams: [Q.metricLabelSelector, Q.pretty],
      },
    ];
  }
  return [
    resources,
    {
      path: `${prefix}/namespaces/{namespace}/{metric}`,
      operationId: `list${idBase}${v}NamespacedExternalMetricValue`,
      description: 'read the series of an external metric whose labels match labelSelector',
      action: 'list',
      response: schema('ExternalMetricValueList'),
      gvk: gvk('ExternalMetricValueList'),
      tag,
      pathParams: [P.namespace, P.metric],
      queryParams: [Q.labelSelector, Q.pretty],
    },
  ];
}

type Json = Record<string, unknown>;

function v2Parameter(param: Parameter, location: 'path' | 'query'): Json {
  return {
    name: param.name,
    in: location,
    description: param.description,
    ...(location === 'path' ? { required: true } : {}),
    type: 'string',
    uniqueItems: true,
  };
}

function v3Parameter(param: Parameter, location: 'path' | 'query'): Json {
  return {
    name: param.name,
    in: location,
    description: param.description,
    ...(location === 'path' ? { required: true } : {}),
    schema: { type: 'string', uniqueItems: true },
  };
}

function pathsFor(operations: readonly Operation[], dialect: OpenApiDialect): Json {
  const prefix = dialect === 'v2' ? '#/definitions/' : '#/components/schemas/';
  const parameter = dialect === 'v2' ? v2Parameter : v3Parameter;
  const paths: Json = {};
  for (const op of operations) {
    const schema: SchemaObject = { $ref: `${prefix}${op.response}` };
    const status: SchemaObject = { $ref: `${prefix}${SCHEMA_NAMES.status}` };
    const responses =
      dialect === 'v2'
        ? {
            '200': { description: 'OK', schema },
            '401': { description: 'Unauthorized' },
            default: { description: 'An error, as a Status', schema: status },
          }
        : {
            '200': { description: 'OK', content: { 'application/json': { schema } } },
            '401': { description: 'Unauthorized' },
            default: {
              description: 'An error, as a Status',
              content: { 'application/json': { schema: status } },
            },
          };
    const get: Json = {
      tags: [op.tag],
      description: op.description,
      operationId: op.operationId,
      ...(dialect === 'v2' ? { consumes: ['*/*'], produces: ['application/json'], schemes: ['https'] } : {}),
      ...(op.queryParams.length > 0 ? { parameters: op.queryParams.map((q) => parameter(q, 'query')) } : {}),
      responses,
      'x-kubernetes-action': op.action,
      'x-kubernetes-group-version-kind': op.gvk,
    };
    paths[op.path] = {
      get,
      ...(op.pathParams.length > 0 ? { parameters: op.pathParams.map((p) => parameter(p, 'path')) } : {}),
    };
  }
  return paths;
}

/** A served document: its JSON text and entity tag. */
export interface OpenApiDocument {
  readonly body: string;
  /** Upper-case hex SHA-512 of `body`, the `hash` kube-openapi puts in v3 URLs. */
  readonly hash: string;
  readonly etag: string;
}

function documentOf(value: unknown): OpenApiDocument {
  const body = JSON.stringify(value);
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
  return { body, hash, etag: `"${hash}"` };
}

/** Every OpenAPI document for a set of served groups. */
export interface OpenApiDocuments {
  readonly v2: OpenApiDocument;
  readonly v3Index: OpenApiDocument;
  /** Keyed by `<group>/<version>`. */
  readonly v3: ReadonlyMap<string, OpenApiDocument>;
}

const INFO = { title: 'kubemetrics metrics API server', version: 'v0.1.0' };

/** The v3 document of one group version, as a value (the tests validate responses against it). */
export function openApiV3Document(group: string, version: string): Json {
  const operations = operationsFor(group, version);
  const schemas = buildSchemas('v3');
  const roots = [...operations.map((o) => o.response), SCHEMA_NAMES.status];
  const names = [...referencedSchemas(roots, schemas)].sort();
  const components: Record<string, SchemaObject> = {};
  for (const name of names) {
    const schema = schemas[name];
    if (schema !== undefined) components[name] = schema;
  }
  return {
    openapi: '3.0.0',
    info: INFO,
    paths: pathsFor(operations, 'v3'),
    components: { schemas: components },
  };
}

/** The Swagger 2.0 document of every served group version. */
export function openApiV2Document(groups: readonly ServedGroup[]): Json {
  const operations = groups.flatMap((g) => g.versions.flatMap((v) => operationsFor(g.name, v)));
  const schemas = buildSchemas('v2');
  const roots = [...operations.map((o) => o.response), SCHEMA_NAMES.status];
  const definitions: Record<string, SchemaObject> = {};
  for (const name of [...referencedSchemas(roots, schemas)].sort()) {
    const schema = schemas[name];
    if (schema !== undefined) definitions[name] = schema;
  }
  return { swagger: '2.0', info: INFO, paths: pathsFor(operations, 'v2'), definitions };
}

/** Builds and serializes all documents once. */
export function buildOpenApiDocuments(groups: readonly ServedGroup[]): OpenApiDocuments {
  const v3 = new Map<string, OpenApiDocument>();
  const index: Record<string, { serverRelativeURL: string }> = {};
  for (const group of groups) {
    for (const version of group.versions) {
      const doc = documentOf(openApiV3Document(group.name, version));
      v3.set(`${group.name}/${version}`, doc);
      index[`apis/${group.name}/${version}`] = {
        serverRelativeURL: `/openapi/v3/apis/${group.name}/${version}?hash=${doc.hash}`,
      };
    }
  }
  return { v2: documentOf(openApiV2Document(groups)), v3Index: documentOf({ paths: index }), v3 };
}
