/**
 * Trimmed records: the few fields of nodes, pods and metrics that reports read, decoded once into
 * exact amounts (bigint nanos). A report over 150,000 pods keeps only these, so the wire objects
 * can be dropped page by page.
 *
 * Memory is kept low by sharing: pods of one workload have identical container resources, so a
 * trimmer caches the decoded {@link PodResources} by the raw strings they came from and hands the
 * same frozen object to every such pod; quantity strings, owner refs and short repeated strings
 * (namespaces, node names) are interned the same way. Records are immutable.
 *
 * A bad quantity is a {@link KubemetricsError} with code `KUBEMETRICS_ERR_DECODE` naming the object,
 * the field path and the value (`pod default/web-1: spec.containers[0].resources.requests.cpu
 * "1 core" is not a quantity ...`), never a silent zero.
 */
import type {
  Container,
  Node,
  NodeMetrics,
  OwnerReference,
  Pod,
  PodMetrics,
  PodPhase,
  PodSpec,
} from '../api/index.js';
import { readNodeMetrics, readPodMetrics, type ResourceMetricsLeaves } from '../client/metrics-model.js';
import { KubemetricsError } from '../errors.js';
import { parseQuantity } from '../quantity/index.js';
import {
  effectivePodLimits,
  effectivePodRequests,
  type ContainerKind,
  type ContainerResources,
  type PodLevelResources,
} from './pod-resources.js';
import {
  addInto,
  EMPTY_AMOUNTS,
  type MutableResourceAmounts,
  type ResourceAmounts,
} from './resource-amounts.js';
import { controllerOf, POD_TEMPLATE_HASH_LABEL, workloadOf, type WorkloadRef } from './workload-owner.js';

/** A node as reports see it. */
export interface NodeRecord {
  readonly name: string;
  /** The wire labels object itself (not copied; treat as read-only). */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Sorted role names from `node-role.kubernetes.io/<role>` labels and the legacy
   * `kubernetes.io/role=<role>` label, as `kubectl get nodes` shows them; empty for none.
   */
  readonly roles: readonly string[];
  /** `spec.unschedulable` (cordoned). */
  readonly unschedulable: boolean;
  /** True only when the `Ready` condition is `True` (`False`, `Unknown` and missing are not ready). */
  readonly ready: boolean;
  readonly capacity: ResourceAmounts;
  /** `status.allocatable` as reported, including `pods`; may be empty on a node that has not reported yet. */
  readonly allocatable: ResourceAmounts;
  readonly creationTimestamp: string | undefined;
}

/**
 * The resource side of a pod spec. Pods with identical container resources share one frozen
 * instance, so compare by value, not identity, and never mutate it.
 */
export interface PodResources {
  /** Init containers (kind `init` or `sidecar`) in spec order, then containers in spec order. */
  readonly containers: readonly ContainerResources[];
  /** `spec.resources` when the pod sets it (even when it names only unsupported resources). */
  readonly podLevel: PodLevelResources | undefined;
  /** `spec.overhead` when set. */
  readonly overhead: ResourceAmounts | undefined;
  /** Effective pod requests (see {@link effectivePodRequests}). */
  readonly requests: ResourceAmounts;
  /** Effective pod limits (see {@link effectivePodLimits}); a resource without a limit is absent. */
  readonly limits: ResourceAmounts;
}

/** A pod as reports see it. */
export interface PodRecord {
  readonly namespace: string;
  readonly name: string;
  /** `spec.nodeName`; `undefined` while the pod is not scheduled. */
  readonly nodeName: string | undefined;
  readonly phase: PodPhase | undefined;
  /** The wire labels object itself (not copied; treat as read-only). */
  readonly labels: Readonly<Record<string, string>>;
  /** The workload the pod belongs to (see workload-owner.ts). */
  readonly owner: WorkloadRef;
  readonly resources: PodResources;
}

/** Node usage from metrics.k8s.io. */
export interface NodeUsageRecord {
  readonly name: string;
  readonly usage: ResourceAmounts;
  readonly timestamp: string | undefined;
  readonly window: string | undefined;
}

/** One container's usage from metrics.k8s.io. */
export interface ContainerUsageRecord {
  readonly name: string;
  readonly usage: ResourceAmounts;
}

/** Pod usage from metrics.k8s.io: per container and the total. */
export interface PodUsageRecord {
  readonly namespace: string;
  readonly name: string;
  readonly containers: readonly ContainerUsageRecord[];
  /**
   * Sum over containers of every resource any container reports, as `kubectl top pod` sums them
   * (a container missing a resource adds nothing to it).
   */
  readonly total: ResourceAmounts;
  readonly timestamp: string | undefined;
  readonly window: string | undefined;
}

/** Converts wire objects into records, with caches that let identical pods share decoded parts. */
export interface RecordTrimmer {
  trimNode(node: Node): NodeRecord;
  trimPod(pod: Pod): PodRecord;
  trimNodeMetrics(metrics: NodeMetrics): NodeUsageRecord;
  trimPodMetrics(metrics: PodMetrics): PodUsageRecord;
}

/** Options of {@link createRecordTrimmer}. */
export interface RecordTrimmerOptions {
  /**
   * Entries each cache may hold before it is cleared and refilled (default 20,000). Clearing only
   * costs re-decoding; records already made keep their shared parts.
   */
  readonly cacheSize?: number;
}

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';
const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY_ROLES: readonly string[] = Object.freeze([]);
const DEFAULT_CACHE_SIZE = 20_000;

// A Map, not an object literal: a phase string must never hit an inherited property.
const PHASES: ReadonlyMap<string, PodPhase> = new Map<string, PodPhase>(
  (['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const).map((phase) => [phase, phase]),
);

class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, value);
  }
  intern(value: string): string;
  intern(value: string | undefined): string | undefined;
  intern(this: BoundedCache<string>, value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const known = this.map.get(value);
    if (known !== undefined) return known;
    this.set(value, value);
    return value;
  }
}

function decodeError(object: string, path: string, message: string, cause?: unknown): KubemetricsError {
  return new KubemetricsError('KUBEMETRICS_ERR_DECODE', `${object}: ${path} ${message}`, {
    hint: 'Fix the object (or the file it came from); the Kubernetes API server never returns such a value.',
    cause,
  });
}

/** A short rendering of an unexpected value for an error message (never throws). */
function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 64 ? `${text.slice(0, 64)}…` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An unambiguous cache key for a resource list: length-prefixed names and values. */
function listKey(list: unknown): string {
  if (list === undefined || list === null) return '';
  // A malformed value gets a key no valid spec has, so it always reaches the decoder (and fails).
  if (!isPlainObject(list)) return '!';
  let key = '';
  for (const name in list) {
    const value = String(list[name]);
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

function containerKey(kind: string, container: Container): string {
  if (!isPlainObject(container) || typeof container.name !== 'string') return '!';
  const prefix = kind === 'c' ? 'c' : container.restartPolicy === 'Always' ? 's' : 'i';
  const resources: unknown = container.resources;
  if (resources !== undefined && resources !== null && !isPlainObject(resources)) return '!';
  const requests = listKey(container.resources?.requests);
  const limits = listKey(container.resources?.limits);
  return `${prefix}${container.name.length}:${container.name}${requests.length}:${requests}${limits.length}:${limits}`;
}

function containersKey(kind: string, containers: unknown): string {
  if (containers === undefined || containers === null) return '';
  if (!Array.isArray(containers)) return '!';
  let key = '';
  for (const c of containers as Container[]) key += containerKey(kind, c);
  return key;
}

function specKey(spec: PodSpec): string {
  let key = containersKey('i', spec.initContainers) + '|' + containersKey('c', spec.containers);
  const podLevel = spec.resources;
  if (podLevel !== undefined && podLevel !== null) {
    if (!isPlainObject(podLevel)) return '!';
    const requests = listKey(podLevel.requests);
    const limits = listKey(podLevel.limits);
    key += `p${requests.length}:${requests}${limits.length}:${limits}`;
  }
  if (spec.overhead !== undefined && spec.overhead !== null) {
    const overhead = listKey(spec.overhead);
    key += `o${overhead.length}:${overhead}`;
  }
  return key;
}

/** True when two raw resource lists hold the same names with strictly equal raw values. */
function sameList(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  let count = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

function sameRequirements(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  return sameList(a.requests, b.requests) && sameList(a.limits, b.limits);
}

function sameContainers(a: unknown, b: unknown, init: boolean): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x: unknown = a[i];
    const y: unknown = b[i];
    if (!isPlainObject(x) || !isPlainObject(y)) return false;
    if (typeof x.name !== 'string' || x.name !== y.name) return false;
    if (init && x.restartPolicy !== y.restartPolicy) return false;
    if (!sameRequirements(x.resources, y.resources)) return false;
  }
  return true;
}

/**
 * True when two pod specs have strictly equal raw resource values (so they decode identically).
 * A malformed value never equals a spec that decoded successfully, so it cannot hide behind one.
 */
function sameResourceSpec(a: PodSpec, b: PodSpec): boolean {
  return (
    sameContainers(a.containers, b.containers, false) &&
    sameContainers(a.initContainers, b.initContainers, true) &&
    sameRequirements(a.resources, b.resources) &&
    sameList(a.overhead, b.overhead)
  );
}

function nodeRoles(labels: Readonly<Record<string, string>>): readonly string[] {
  let roles: string[] | undefined;
  for (const key in labels) {
    let role: string | undefined;
    if (key.startsWith(ROLE_LABEL_PREFIX)) role = key.slice(ROLE_LABEL_PREFIX.length);
    else if (key === LEGACY_ROLE_LABEL) role = labels[key];
    if (role === undefined || role === '') continue;
    roles ??= [];
    if (!roles.includes(role)) roles.push(role);
  }
  return roles === undefined ? EMPTY_ROLES : Object.freeze(roles.sort());
}

function labelsOf(labels: unknown): Readonly<Record<string, string>> {
  return isPlainObject(labels) ? (labels as Record<string, string>) : EMPTY_LABELS;
}

/**
 * A trimmer with its own caches. Use one per report run or per long-lived cache (the report
 * service), so memory is released with it; the module-level `trim*` functions share a default one.
 */
export function createRecordTrimmer(options: RecordTrimmerOptions = {}): RecordTrimmer {
  const limit = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_ARGUMENT',
      `cacheSize must be a positive integer, got ${limit}`,
    );
  }
  const quantities = new BoundedCache<bigint>(limit);
  const amountsCache = new BoundedCache<ResourceAmounts>(limit);
  const specs = new BoundedCache<PodResources>(limit);
  const owners = new BoundedCache<WorkloadRef>(limit);
  const strings = new BoundedCache<string>(limit);

  function quantity(raw: unknown, object: string, path: string, cached: boolean): bigint {
    let text: string;
    if (typeof raw === 'string') text = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
    else throw decodeError(object, path, `is ${describeValue(raw)}, expected a quantity string`);
    if (cached) {
      const known = quantities.get(text);
      if (known !== undefined) return known;
    }
    let nanos: bigint;
    try {
      nanos = parseQuantity(text).nanos;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw decodeError(object, path, `${JSON.stringify(text)} is not a quantity: ${reason}`, error);
    }
    if (cached) quantities.set(text, nanos);
    return nanos;
  }

  /** Decodes a ResourceList; `cached` for spec values that repeat across objects. */
  function amounts(list: unknown, object: string, path: string, cached: boolean): ResourceAmounts {
    if (list === undefined || list === null) return EMPTY_AMOUNTS;
    if (!isPlainObject(list))
      throw decodeError(object, path, 'is not a resource list (an object of quantities)');
    let key: string | undefined;
    if (cached) {
      key = listKey(list);
      if (key === '') return EMPTY_AMOUNTS;
      const known = amountsCache.get(key);
      if (known !== undefined) return known;
    }
    // Metrics usage is almost always exactly cpu and memory: an object literal of that shape is
    // 16 bytes smaller than `{}` grown by two keys, and 150,000 pods have one or more each.
    if (!cached) {
      let count = 0;
      for (const _ in list) count++;
      if (count === 2 && 'cpu' in list && 'memory' in list) {
        return Object.freeze({
          cpu: quantity(list['cpu'], object, `${path}.cpu`, false),
          memory: quantity(list['memory'], object, `${path}.memory`, false),
        });
      }
    }
    const result: MutableResourceAmounts = {};
    let empty = true;
    for (const name in list) {
      if (name === '__proto__') throw decodeError(object, `${path}`, 'has a resource named "__proto__"');
      result[name] = quantity(list[name], object, `${path}.${name}`, cached);
      empty = false;
    }
    const frozen = empty ? EMPTY_AMOUNTS : Object.freeze(result);
    if (key !== undefined) amountsCache.set(key, frozen);
    return frozen;
  }

  function containerList(value: unknown, object: string, path: string): readonly Container[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw decodeError(object, path, 'is not a list of containers');
    return value as Container[];
  }

  function decodeContainer(
    container: Container,
    kind: ContainerKind,
    object: string,
    path: string,
  ): ContainerResources {
    if (!isPlainObject(container) || typeof container.name !== 'string') {
      throw decodeError(object, path, 'is not a container with a name');
    }
    const resources: unknown = container.resources;
    if (resources !== undefined && resources !== null && !isPlainObject(resources)) {
      throw decodeError(object, `${path}.resources`, 'is not an object');
    }
    return Object.freeze({
      name: strings.intern(container.name),
      kind,
      requests: amounts(container.resources?.requests, object, `${path}.resources.requests`, true),
      limits: amounts(container.resources?.limits, object, `${path}.resources.limits`, true),
    });
  }

  function decodePodResources(spec: PodSpec, object: string): PodResources {
    const containers: ContainerResources[] = [];
    containerList(spec.initContainers, object, 'spec.initContainers').forEach((c, i) => {
      const kind: ContainerKind = isPlainObject(c) && c.restartPolicy === 'Always' ? 'sidecar' : 'init';
      containers.push(decodeContainer(c, kind, object, `spec.initContainers[${i}]`));
    });
    containerList(spec.containers, object, 'spec.containers').forEach((c, i) => {
      containers.push(decodeContainer(c, 'container', object, `spec.containers[${i}]`));
    });
    let podLevel: PodLevelResources | undefined;
    const rawPodLevel: unknown = spec.resources;
    if (rawPodLevel !== undefined && rawPodLevel !== null) {
      if (!isPlainObject(rawPodLevel)) throw decodeError(object, 'spec.resources', 'is not an object');
      podLevel = Object.freeze({
        requests: amounts(rawPodLevel.requests, object, 'spec.resources.requests', true),
        limits: amounts(rawPodLevel.limits, object, 'spec.resources.limits', true),
      });
    }
    const overhead =
      spec.overhead === undefined || spec.overhead === null
        ? undefined
        : amounts(spec.overhead, object, 'spec.overhead', true);
    const input = { containers, podLevel, overhead };
    return Object.freeze({
      containers: Object.freeze(containers),
      podLevel,
      overhead,
      requests: effectivePodRequests(input),
      limits: effectivePodLimits(input),
    });
  }

  // Pods arrive sorted by namespace and name, so replicas of one workload are usually adjacent:
  // comparing with the previous pod's raw values (no allocation) skips building the cache key.
  let lastSpec: PodSpec | undefined;
  let lastResources: PodResources | undefined;

  function podResources(spec: PodSpec, object: string): PodResources {
    if (lastSpec !== undefined && lastResources !== undefined && sameResourceSpec(spec, lastSpec)) {
      return lastResources;
    }
    const key = specKey(spec);
    let resources = specs.get(key);
    if (resources === undefined) {
      resources = decodePodResources(spec, object);
      specs.set(key, resources);
    }
    lastSpec = spec;
    lastResources = resources;
    return resources;
  }

  let lastOwnerNamespace: string | undefined;
  let lastController: OwnerReference | undefined;
  let lastHash: string | undefined;
  let lastOwner: WorkloadRef | undefined;

  function owner(namespace: string, pod: Pod): WorkloadRef {
    const metadata = pod.metadata;
    const controller = controllerOf(metadata);
    // A pod without a controller is its own workload: nothing to share.
    if (controller === undefined) return Object.freeze(workloadOf(metadata));
    const hash = metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
    if (
      lastOwner !== undefined &&
      lastController !== undefined &&
      namespace === lastOwnerNamespace &&
      hash === lastHash &&
      controller.kind === lastController.kind &&
      controller.name === lastController.name
    ) {
      return lastOwner;
    }
    const ref = workloadOf(metadata);
    const key = `${namespace}\u0000${ref.kind}\u0000${ref.name}`;
    let shared = owners.get(key);
    if (shared === undefined) {
      shared = Object.freeze({ kind: strings.intern(ref.kind), name: ref.name });
      owners.set(key, shared);
    }
    lastOwnerNamespace = namespace;
    lastController = controller;
    lastHash = hash;
    lastOwner = shared;
    return shared;
  }

  function requireName(object: { metadata?: { name?: unknown } } | null | undefined, kind: string): string {
    const name = object?.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      throw new KubemetricsError('KUBEMETRICS_ERR_DECODE', `${kind} without metadata.name`, {
        hint: 'Every object needs metadata.name; check the input list.',
      });
    }
    return name;
  }

  // Metrics objects are read by the client's one decoder (client/metrics-model.ts, which knows
  // their fields); the report only chooses the representation: bigint nanos, frozen, interned.
  const usageLeaves: ResourceMetricsLeaves<ResourceAmounts, ContainerUsageRecord> = {
    subject: (kind, namespace, name) =>
      kind === 'NodeMetrics' ? `${kind} ${name}` : `${kind} ${namespace}/${name}`,
    usage: (value, subject, field) => amounts(value, subject, field, false),
    container: (name, usage) => Object.freeze({ name, usage }),
    total(containers) {
      // Most pods have one container: its usage object doubles as the total (saves memory).
      if (containers.length === 1) return (containers[0] as ContainerUsageRecord).usage;
      const sum: MutableResourceAmounts = {};
      for (const c of containers) addInto(sum, c.usage);
      return Object.freeze(sum);
    },
    intern: (text) => strings.intern(text),
  };
  // Timestamp and window are kept as the server wrote them (`top` prints them as they are).
  const sampleString = (value: unknown): string | undefined =>
    typeof value === 'string' ? strings.intern(value) : undefined;

  return {
    trimNode(node: Node): NodeRecord {
      const name = requireName(node, 'node');
      const object = `node ${name}`;
      const labels = labelsOf(node.metadata.labels);
      const status = node.status;
      let ready = false;
      for (const condition of status?.conditions ?? []) {
        if (condition.type === 'Ready') {
          ready = condition.status === 'True';
          break;
        }
      }
      return Object.freeze({
        name,
        labels,
        roles: nodeRoles(labels),
        unschedulable: node.spec?.unschedulable === true,
        ready,
        capacity: amounts(status?.capacity, object, 'status.capacity', true),
        allocatable: amounts(status?.allocatable, object, 'status.allocatable', true),
        creationTimestamp: node.metadata.creationTimestamp,
      });
    },

    trimPod(pod: Pod): PodRecord {
      const name = requireName(pod, 'pod');
      const namespace = strings.intern(pod.metadata.namespace ?? '');
      const object = `pod ${namespace}/${name}`;
      if (!isPlainObject(pod.spec)) throw decodeError(object, 'spec', 'is missing or not an object');
      const phase = pod.status?.phase;
      return Object.freeze({
        namespace,
        name,
        nodeName: strings.intern(pod.spec.nodeName || undefined),
        phase: phase === undefined ? undefined : PHASES.get(phase),
        labels: labelsOf(pod.metadata.labels),
        owner: owner(namespace, pod),
        resources: podResources(pod.spec, object),
      });
    },

    trimNodeMetrics(metrics: NodeMetrics): NodeUsageRecord {
      const fields = readNodeMetrics(metrics, usageLeaves);
      return Object.freeze({
        name: fields.name,
        usage: fields.usage,
        timestamp: sampleString(fields.timestamp),
        window: sampleString(fields.window),
      });
    },

    trimPodMetrics(metrics: PodMetrics): PodUsageRecord {
      const fields = readPodMetrics(metrics, usageLeaves);
      return Object.freeze({
        namespace: fields.namespace,
        name: fields.name,
        containers: Object.freeze(fields.containers),
        total: fields.total,
        timestamp: sampleString(fields.timestamp),
        window: sampleString(fields.window),
      });
    },
  };
}

const defaultTrimmer = createRecordTrimmer();

/** Trims a node with the shared default trimmer (see {@link createRecordTrimmer}). */
export function trimNode(node: Node): NodeRecord {
  return defaultTrimmer.trimNode(node);
}

/**
 * Trims a pod with the shared default trimmer: decodes its container resources and computes the
 * effective pod requests and limits once.
 *
 * @throws KubemetricsError `KUBEMETRICS_ERR_DECODE` for a bad quantity, naming pod, field and value
 */
export function trimPod(pod: Pod): PodRecord {
  return defaultTrimmer.trimPod(pod);
}

/** Trims a NodeMetrics item with the shared default trimmer. */
export function trimNodeMetrics(metrics: NodeMetrics): NodeUsageRecord {
  return defaultTrimmer.trimNodeMetrics(metrics);
}

/** Trims a PodMetrics item with the shared default trimmer; `total` sums the containers. */
export function trimPodMetrics(metrics: PodMetrics): PodUsageRecord {
  return defaultTrimmer.trimPodMetrics(metrics);
}

/** The key `podMetrics` maps use: `namespace/name`. */
export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
