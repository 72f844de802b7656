/**
 * Schemas of every type the metrics API server writes, named as Kubernetes names them in its
 * OpenAPI documents (`io.k8s.metrics.pkg.apis.custom_metrics.v1beta2.MetricValueList`,
 * `io.k8s.apimachinery.pkg.apis.meta.v1.Status`…) so kube-apiserver can merge them with its own.
 * One builder serves both dialects: Swagger 2.0 (`#/definitions/`) and OpenAPI 3.0
 * (`#/components/schemas/`, where a Quantity is `string | number` and `null` needs `nullable`).
 */
import {
  CUSTOM_METRICS_GROUP,
  CUSTOM_METRICS_VERSIONS,
  EXTERNAL_METRICS_GROUP,
  EXTERNAL_METRICS_VERSIONS,
  METRICS_GROUP,
  METRICS_VERSIONS,
} from '../../api/index.js';

/** The JSON Schema subset OpenAPI uses, and that our documents are written in. */
export interface SchemaObject {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  format?: string;
  description?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  additionalProperties?: SchemaObject | boolean;
  $ref?: string;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  enum?: unknown[];
  default?: unknown;
  /** OpenAPI 3.0: `null` is allowed. */
  nullable?: boolean;
  /** Swagger 2.0 vendor extension with the same meaning. */
  'x-nullable'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

export type OpenApiDialect = 'v2' | 'v3';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const SCHEMA_NAMES = {
  quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  time: `${META}.Time`,
  listMeta: `${META}.ListMeta`,
  objectMeta: `${META}.ObjectMeta`,
  labelSelector: `${META}.LabelSelector`,
  labelSelectorRequirement: `${META}.LabelSelectorRequirement`,
  status: `${META}.Status`,
  statusDetails: `${META}.StatusDetails`,
  statusCause: `${META}.StatusCause`,
  apiResource: `${META}.APIResource`,
  apiResourceList: `${META}.APIResourceList`,
  objectReference: 'io.k8s.api.core.v1.ObjectReference',
} as const;

/** `io.k8s.metrics.pkg.apis.<package>.<version>.<Kind>` */
export function metricsSchemaName(group: string, version: string, kind: string): string {
  const pkg =
    group === CUSTOM_METRICS_GROUP
      ? 'custom_metrics'
      : group === EXTERNAL_METRICS_GROUP
        ? 'external_metrics'
        : 'metrics';
  return `io.k8s.metrics.pkg.apis.${pkg}.${version}.${kind}`;
}

const STRING: SchemaObject = { type: 'string' };
const STRING_MAP: SchemaObject = { type: 'object', additionalProperties: { type: 'string' } };
const INT64: SchemaObject = { type: 'integer', format: 'int64' };

/** Builds every schema for one dialect. */
export function buildSchemas(dialect: OpenApiDialect): Record<string, SchemaObject> {
  const prefix = dialect === 'v2' ? '#/definitions/' : '#/components/schemas/';
  const ref = (name: string): SchemaObject => ({ $ref: `${prefix}${name}` });
  /**
   * A reference with a description or `null` allowed. Both dialects ignore siblings of `$ref`, so
   * the reference goes into `allOf`; 2.0 spells `nullable` as the `x-nullable` extension.
   */
  const refWith = (name: string, extra: SchemaObject): SchemaObject => {
    const { nullable, ...rest } = extra;
    return dialect === 'v3'
      ? { allOf: [ref(name)], ...rest, ...(nullable === true ? { nullable } : {}) }
      : { allOf: [ref(name)], ...rest, ...(nullable === true ? { 'x-nullable': true } : {}) };
  };
  const gvk = (
    group: string,
    version: string,
    kind: string,
  ): SchemaObject['x-kubernetes-group-version-kind'] => [{ group, version, kind }];

  const schemas: Record<string, SchemaObject> = {
    [SCHEMA_NAMES.quantity]:
      dialect === 'v3'
        ? {
            description: 'A Kubernetes resource quantity such as "250m", "1.5" or "128Mi".',
            oneOf: [{ type: 'string' }, { type: 'number' }],
          }
        : { description: 'A Kubernetes resource quantity such as "250m", "1.5" or "128Mi".', type: 'string' },
    [SCHEMA_NAMES.time]: {
      description: 'RFC 3339 time, whole seconds.',
      type: 'string',
      format: 'date-time',
    },
    [SCHEMA_NAMES.listMeta]: {
      type: 'object',
      properties: {
        continue: STRING,
        remainingItemCount: INT64,
        resourceVersion: STRING,
        selfLink: STRING,
      },
    },
    [SCHEMA_NAMES.objectMeta]: {
      type: 'object',
      properties: {
        annotations: STRING_MAP,
        creationTimestamp: ref(SCHEMA_NAMES.time),
        labels: STRING_MAP,
        name: STRING,
        namespace: STRING,
        resourceVersion: STRING,
        uid: STRING,
      },
    },
    [SCHEMA_NAMES.labelSelectorRequirement]: {
      type: 'object',
      required: ['key', 'operator'],
      properties: {
        key: STRING,
        operator: STRING,
        values: { type: 'array', items: STRING },
      },
    },
    [SCHEMA_NAMES.labelSelector]: {
      type: 'object',
      properties: {
        matchExpressions: { type: 'array', items: ref(SCHEMA_NAMES.labelSelectorRequirement) },
        matchLabels: STRING_MAP,
      },
    },
    [SCHEMA_NAMES.statusCause]: {
      type: 'object',
      properties: { field: STRING, message: STRING, reason: STRING },
    },
    [SCHEMA_NAMES.statusDetails]: {
      type: 'object',
      properties: {
        causes: { type: 'array', items: ref(SCHEMA_NAMES.statusCause) },
        group: STRING,
        kind: STRING,
        name: STRING,
        retryAfterSeconds: { type: 'integer', format: 'int32' },
        uid: STRING,
      },
    },
    [SCHEMA_NAMES.status]: {
      description: 'Status is the return value for calls that do not return other objects.',
      type: 'object',
      properties: {
        apiVersion: STRING,
        code: { type: 'integer', format: 'int32' },
        details: ref(SCHEMA_NAMES.statusDetails),
        kind: STRING,
        message: STRING,
        metadata: ref(SCHEMA_NAMES.listMeta),
        reason: STRING,
        status: STRING,
      },
      'x-kubernetes-group-version-kind': gvk('', 'v1', 'Status'),
    },
    [SCHEMA_NAMES.apiResource]: {
      type: 'object',
      required: ['name', 'singularName', 'namespaced', 'kind', 'verbs'],
      properties: {
        categories: { type: 'array', items: STRING },
        group: STRING,
        kind: STRING,
        name: STRING,
        namespaced: { type: 'boolean' },
        shortNames: { type: 'array', items: STRING },
        singularName: STRING,
        storageVersionHash: STRING,
        verbs: { type: 'array', items: STRING },
        version: STRING,
      },
    },
    [SCHEMA_NAMES.apiResourceList]: {
      type: 'object',
      required: ['groupVersion', 'resources'],
      properties: {
        apiVersion: STRING,
        groupVersion: STRING,
        kind: STRING,
        resources: { type: 'array', items: ref(SCHEMA_NAMES.apiResource) },
      },
      'x-kubernetes-group-version-kind': gvk('', 'v1', 'APIResourceList'),
    },
    [SCHEMA_NAMES.objectReference]: {
      type: 'object',
      properties: {
        apiVersion: STRING,
        fieldPath: STRING,
        kind: STRING,
        name: STRING,
        namespace: STRING,
        resourceVersion: STRING,
        uid: STRING,
      },
    },
  };

  const listOf = (group: string, version: string, kind: string, item: string): SchemaObject => ({
    type: 'object',
    required: ['metadata', 'items'],
    properties: {
      apiVersion: STRING,
      items: { type: 'array', items: ref(metricsSchemaName(group, version, item)) },
      kind: STRING,
      metadata: ref(SCHEMA_NAMES.listMeta),
    },
    'x-kubernetes-group-version-kind': gvk(group, version, kind),
  });
  const usage: SchemaObject = { type: 'object', additionalProperties: ref(SCHEMA_NAMES.quantity) };

  for (const version of METRICS_VERSIONS) {
    const name = (kind: string): string => metricsSchemaName(METRICS_GROUP, version, kind);
    schemas[name('ContainerMetrics')] = {
      type: 'object',
      required: ['name', 'usage'],
      properties: { name: STRING, usage },
    };
    schemas[name('NodeMetrics')] = {
      type: 'object',
      required: ['timestamp', 'window', 'usage'],
      properties: {
        apiVersion: STRING,
        kind: STRING,
        metadata: ref(SCHEMA_NAMES.objectMeta),
        timestamp: ref(SCHEMA_NAMES.time),
        usage,
        window: { type: 'string', description: 'A Go duration such as "30s" or "1m0.5s".' },
      },
      'x-kubernetes-group-version-kind': gvk(METRICS_GROUP, version, 'NodeMetrics'),
    };
    schemas[name('PodMetrics')] = {
      type: 'object',
      required: ['timestamp', 'window', 'containers'],
      properties: {
        apiVersion: STRING,
        containers: { type: 'array', items: ref(name('ContainerMetrics')) },
        kind: STRING,
        metadata: ref(SCHEMA_NAMES.objectMeta),
        timestamp: ref(SCHEMA_NAMES.time),
        window: { type: 'string', description: 'A Go duration such as "30s" or "1m0.5s".' },
      },
      'x-kubernetes-group-version-kind': gvk(METRICS_GROUP, version, 'PodMetrics'),
    };
    schemas[name('NodeMetricsList')] = listOf(METRICS_GROUP, version, 'NodeMetricsList', 'NodeMetrics');
    schemas[name('PodMetricsList')] = listOf(METRICS_GROUP, version, 'PodMetricsList', 'PodMetrics');
  }

  for (const version of CUSTOM_METRICS_VERSIONS) {
    const name = (kind: string): string => metricsSchemaName(CUSTOM_METRICS_GROUP, version, kind);
    if (version === 'v1beta2') {
      schemas[name('MetricIdentifier')] = {
        type: 'object',
        required: ['name'],
        properties: { name: STRING, selector: ref(SCHEMA_NAMES.labelSelector) },
      };
      schemas[name('MetricValue')] = {
        type: 'object',
        required: ['describedObject', 'metric', 'timestamp', 'value'],
        properties: {
          apiVersion: STRING,
          describedObject: ref(SCHEMA_NAMES.objectReference),
          kind: STRING,
          metric: ref(name('MetricIdentifier')),
          timestamp: ref(SCHEMA_NAMES.time),
          value: ref(SCHEMA_NAMES.quantity),
          windowSeconds: INT64,
        },
      };
    } else {
      schemas[name('MetricValue')] = {
        type: 'object',
        required: ['describedObject', 'metricName', 'timestamp', 'value', 'selector'],
        properties: {
          apiVersion: STRING,
          describedObject: ref(SCHEMA_NAMES.objectReference),
          kind: STRING,
          metricName: STRING,
          selector: refWith(SCHEMA_NAMES.labelSelector, {
            description: 'The metric label selector the value was selected with; null when none.',
            nullable: true,
          }),
          timestamp: ref(SCHEMA_NAMES.time),
          value: ref(SCHEMA_NAMES.quantity),
          window: INT64,
        },
      };
    }
    schemas[name('MetricValueList')] = listOf(
      CUSTOM_METRICS_GROUP,
      version,
      'MetricValueList',
      'MetricValue',
    );
  }

  for (const version of EXTERNAL_METRICS_VERSIONS) {
    const name = (kind: string): string => metricsSchemaName(EXTERNAL_METRICS_GROUP, version, kind);
    schemas[name('ExternalMetricValue')] = {
      type: 'object',
      required: ['metricName', 'metricLabels', 'timestamp', 'value'],
      properties: {
        apiVersion: STRING,
        kind: STRING,
        metricLabels: STRING_MAP,
        metricName: STRING,
        timestamp: ref(SCHEMA_NAMES.time),
        value: ref(SCHEMA_NAMES.quantity),
        window: INT64,
      },
    };
    schemas[name('ExternalMetricValueList')] = listOf(
      EXTERNAL_METRICS_GROUP,
      version,
      'ExternalMetricValueList',
      'ExternalMetricValue',
    );
  }
  return schemas;
}

/** The names a schema refers to, directly and transitively (for per-group-version documents). */
export function referencedSchemas(
  roots: Iterable<string>,
  schemas: Readonly<Record<string, SchemaObject>>,
): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') {
        const name = child.slice(child.lastIndexOf('/') + 1);
        if (!found.has(name)) {
          found.add(name);
          visit(schemas[name]);
        }
      } else {
        visit(child);
      }
    }
  };
  for (const root of roots) {
    if (!found.has(root)) {
      found.add(root);
      visit(schemas[root]);
    }
  }
  return found;
}
