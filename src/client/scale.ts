/**
 * The scale subresource (`GET /apis/<group>/<version>/namespaces/<ns>/<resource>/<name>/scale`,
 * `/api/v1/...` for core), what the HPA controller reads before anything else: `spec.replicas` is
 * the current count, `status.replicas` the pods that exist, `status.selector` (a label selector in
 * string form) picks the pods. Every scalable resource answers with autoscaling/v1 `Scale`.
 */
import { KubemetricsError } from '../errors.js';
import type { RestMapping } from './rest-mapper.js';
import type { CallOptions, Transport } from './transport.js';

export interface ScaleResult {
  readonly specReplicas: number;
  readonly statusReplicas: number;
  /** `status.selector`; `''` when the target reports none (the controller then refuses to scale). */
  readonly selector: string;
  /** The group, version and resource the scale was read from. */
  readonly mapping: RestMapping;
}

export function scalePath(mapping: RestMapping, namespace: string, name: string): string {
  const base = mapping.group === '' ? `/api/${mapping.version}` : `/apis/${mapping.group}/${mapping.version}`;
  const scope = mapping.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${mapping.resource}/${encodeURIComponent(name)}/scale`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function replicas(value: unknown, field: string, where: string): number {
  if (value === undefined || value === null) return 0; // omitempty: zero replicas
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_DECODE',
      `${where}: ${field} is not a replica count: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Decodes an autoscaling/v1 Scale; `where` names the request for messages. */
export function decodeScale(body: unknown, mapping: RestMapping, where: string): ScaleResult {
  if (!isRecord(body))
    throw new KubemetricsError('KUBEMETRICS_ERR_DECODE', `${where}: the response is not a Scale object`);
  const spec = isRecord(body['spec']) ? body['spec'] : {};
  const status = isRecord(body['status']) ? body['status'] : {};
  const selector = status['selector'];
  if (selector !== undefined && typeof selector !== 'string') {
    throw new KubemetricsError('KUBEMETRICS_ERR_DECODE', `${where}: status.selector is not a string`);
  }
  return {
    specReplicas: replicas(spec['replicas'], 'spec.replicas', where),
    statusReplicas: replicas(status['replicas'], 'status.replicas', where),
    selector: selector ?? '',
    mapping,
  };
}

/**
 * Reads the scale of `kind`/`name` like horizontal.go `scaleForResourceMappings`: each mapping in
 * priority order until one answers; when all fail, the first error is the one reported.
 */
export async function getScale(
  transport: Transport,
  mappings: readonly RestMapping[],
  namespace: string,
  name: string,
  options: CallOptions = {},
): Promise<ScaleResult> {
  let firstError: Error | undefined;
  for (const mapping of mappings) {
    const path = scalePath(mapping, namespace, name);
    try {
      const body = await transport.getJSON<unknown>({
        path,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      return decodeScale(body, mapping, `GET ${path}`);
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      firstError ??= error instanceof Error ? error : new Error(String(error));
    }
  }
  throw (
    firstError ?? new KubemetricsError('KUBEMETRICS_ERR_API', `no resource to read the scale of ${name} from`)
  );
}
