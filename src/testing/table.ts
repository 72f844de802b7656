/**
 * Server-side printing: `meta.k8s.io/v1` Table answers for clients that ask for them with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl get does). Columns and cell
 * rules follow kube-apiserver's printers (k8s.io/kubernetes pkg/printers/internalversion
 * printers.go: printNode, printPod, printNamespace, printEvent; the default "Name / Created At"
 * table for everything else). Wide columns (priority 1) are always sent; kubectl drops them
 * unless `-o wide`.
 */
import type { ContainerStatus, Event, Namespace, Node, ObjectMeta, Pod } from '../api/index.js';
import type { StoredObject } from './store.js';

export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

/** Columns and the cells of one row for a resource. */
export interface TableConverter<T> {
  readonly columns: readonly TableColumn[];
  cells(object: T, now: number): readonly (string | number)[];
}

export type TableVersion = 'v1' | 'v1beta1';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * The Table version an `Accept` header asks for, if any: the first `as=Table;g=meta.k8s.io`
 * media range with a version we serve.
 */
export function tableVersionRequested(accept: string | undefined): TableVersion | undefined {
  if (accept === undefined) return undefined;
  for (const range of accept.split(',')) {
    const params = new Map<string, string>();
    for (const param of range.split(';').slice(1)) {
      const [key = '', value = ''] = param.split('=', 2);
      params.set(key.trim().toLowerCase(), value.trim());
    }
    if (params.get('as') !== 'Table' || params.get('g') !== 'meta.k8s.io') continue;
    const version = params.get('v');
    if (version === 'v1' || version === 'v1beta1') return version;
  }
  return undefined;
}

/** `includeObject` query parameter; default Metadata (PartialObjectMetadata per row). */
export function includeObjectParameter(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

/**
 * Encodes rows as a Table JSON text. `listMetadataJson` is the ListMeta (resourceVersion,
 * continue, remainingItemCount); `columns: false` leaves out columnDefinitions (watch events after
 * the first).
 */
export function encodeTable<T extends { metadata: ObjectMeta }>(
  converter: TableConverter<T>,
  version: TableVersion,
  rows: readonly StoredObject<T>[],
  listMetadataJson: string,
  includeObject: IncludeObject,
  type: { kind: string; apiVersion: string },
  now: number,
  columns = true,
): string {
  const apiVersion = `meta.k8s.io/${version}`;
  const rowTexts = rows.map((row) => {
    const cells = JSON.stringify(converter.cells(row.object, now));
    if (includeObject === 'None') return `{"cells":${cells}}`;
    const object =
      includeObject === 'Object'
        ? row.typedJson(type.kind, type.apiVersion)
        : `{"kind":"PartialObjectMetadata","apiVersion":"${apiVersion}","metadata":${row.metadataJson()}}`;
    return `{"cells":${cells},"object":${object}}`;
  });
  const definitions = columns ? JSON.stringify(converter.columns) : '[]';
  return `{"kind":"Table","apiVersion":"${apiVersion}","metadata":${listMetadataJson},"columnDefinitions":${definitions},"rows":[${rowTexts.join(',')}]}`;
}

/** kube-apiserver's `HumanDuration` thresholds (k8s.io/apimachinery pkg/util/duration). */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

/** Age of a timestamp as printed in tables; `<unknown>` when absent. */
export function age(timestamp: string | undefined, now: number): string {
  if (timestamp === undefined) return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

export const column = (name: string, description: string, priority = 0, format = ''): TableColumn => ({
  name,
  type: 'string',
  format,
  description,
  priority,
});

export const NAME_COLUMN = column('Name', 'Object name, unique within its namespace.', 0, 'name');
export const AGE_COLUMN = column('Age', 'Time since the object was created (metadata.creationTimestamp).');

export const NODE_TABLE: TableConverter<Node> = {
  columns: [
    NAME_COLUMN,
    column('Status', 'Ready condition, plus SchedulingDisabled when cordoned.'),
    column('Roles', 'Roles from node-role.kubernetes.io/<role> labels.'),
    AGE_COLUMN,
    column('Version', 'Kubelet version (status.nodeInfo.kubeletVersion).'),
    column('Internal-IP', 'First InternalIP address.', 1),
    column('External-IP', 'First ExternalIP address.', 1),
    column('OS-Image', 'Operating system image (status.nodeInfo.osImage).', 1),
    column('Kernel-Version', 'Kernel version (status.nodeInfo.kernelVersion).', 1),
    column('Container-Runtime', 'Container runtime and version.', 1),
  ],
  cells(node, now) {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const status = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
    if (node.spec?.unschedulable === true) status.push('SchedulingDisabled');
    const roles = new Set<string>();
    for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
      if (key.startsWith('node-role.kubernetes.io/')) {
        const role = key.slice('node-role.kubernetes.io/'.length);
        if (role !== '') roles.add(role);
      } else if (key === 'kubernetes.io/role' && value !== '') roles.add(value);
    }
    const address = (type: string): string =>
      node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
    const info = node.status?.nodeInfo;
    return [
      node.metadata.name ?? '',
      status.join(','),
      roles.size === 0 ? '<none>' : [...roles].sort().join(','),
      age(node.metadata.creationTimestamp, now),
      info?.kubeletVersion ?? '',
      address('InternalIP'),
      address('ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};

interface ContainerState {
  running?: unknown;
  waiting?: { reason?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number };
}

const stateOf = (status: ContainerStatus): ContainerState => status.state ?? {};

/** READY and STATUS as kubectl shows them (the common paths of printPod). */
function podReadyAndReason(pod: Pod): { ready: string; reason: string; restarts: number } {
  const status = pod.status ?? {};
  let reason: string = (status as { reason?: string }).reason ?? status.phase ?? '';
  const initContainers = pod.spec.initContainers ?? [];
  const restartable = new Set(initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = pod.spec.containers.length + restartable.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const state = stateOf(c);
    restarts += c.restartCount;
    if (restartable.has(c.name)) sidecarRestarts += c.restartCount;
    if (state.terminated !== undefined && (state.terminated.exitCode ?? 0) === 0) continue;
    if (restartable.has(c.name) && state.running !== undefined) {
      if (c.ready) ready++;
      continue;
    }
    if (state.terminated !== undefined) {
      reason =
        state.terminated.reason !== undefined && state.terminated.reason !== ''
          ? `Init:${state.terminated.reason}`
          : state.terminated.signal
            ? `Init:Signal:${state.terminated.signal}`
            : `Init:ExitCode:${state.terminated.exitCode ?? 0}`;
    } else if (
      state.waiting?.reason !== undefined &&
      state.waiting.reason !== '' &&
      state.waiting.reason !== 'PodInitializing'
    ) {
      reason = `Init:${state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }
  const initialized =
    status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      const state = stateOf(c);
      restarts += c.restartCount;
      if (state.waiting?.reason !== undefined && state.waiting.reason !== '') reason = state.waiting.reason;
      else if (state.terminated?.reason !== undefined && state.terminated.reason !== '')
        reason = state.terminated.reason;
      else if (state.terminated !== undefined)
        reason = state.terminated.signal
          ? `Signal:${state.terminated.signal}`
          : `ExitCode:${state.terminated.exitCode ?? 0}`;
      else if (c.ready && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        ? 'Running'
        : 'NotReady';
    }
  }
  if (
    pod.metadata.deletionTimestamp !== undefined &&
    status.phase !== 'Succeeded' &&
    status.phase !== 'Failed'
  ) {
    reason = 'Terminating';
  }
  return { ready: `${ready}/${total}`, reason, restarts };
}

export const POD_TABLE: TableConverter<Pod> = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'Ready containers / containers (restartable init containers count).'),
    column('Status', 'Phase, or the reason a container is waiting or terminated.'),
    column('Restarts', 'Container restarts.'),
    AGE_COLUMN,
    column('IP', 'Pod IP.', 1),
    column('Node', 'Node the pod is bound to.', 1),
    column('Nominated Node', 'Node nominated by preemption.', 1),
    column('Readiness Gates', 'Readiness gates met / declared.', 1),
  ],
  cells(pod, now) {
    const { ready, reason, restarts } = podReadyAndReason(pod);
    const nominated = (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
    return [
      pod.metadata.name ?? '',
      ready,
      reason,
      String(restarts),
      age(pod.metadata.creationTimestamp, now),
      pod.status?.podIP || '<none>',
      pod.spec.nodeName || '<none>',
      nominated || '<none>',
      '<none>',
    ];
  },
};

export const NAMESPACE_TABLE: TableConverter<Namespace> = {
  columns: [NAME_COLUMN, column('Status', 'Phase of the namespace.'), AGE_COLUMN],
  cells: (ns, now) => [
    ns.metadata.name ?? '',
    ns.status?.phase ?? 'Active',
    age(ns.metadata.creationTimestamp, now),
  ],
};

export const EVENT_TABLE: TableConverter<Event> = {
  columns: [
    column('Last Seen', 'Time since the event was last seen.'),
    column('Type', 'Normal or Warning.'),
    column('Reason', 'Short, machine-readable reason.'),
    column('Object', 'The object the event is about.'),
    column('Message', 'Human-readable description.'),
  ],
  cells(event, now) {
    const last = event.lastTimestamp ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
    let lastSeen = age(last, now);
    if ((event.count ?? 1) > 1 && event.firstTimestamp !== undefined)
      lastSeen = `${lastSeen} (x${event.count} over ${age(event.firstTimestamp, now)})`;
    const involved = event.involvedObject;
    return [
      lastSeen,
      event.type ?? '',
      event.reason ?? '',
      `${(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`,
      (event.message ?? '').trim(),
    ];
  },
};

/** The API server's default table for resources without their own printer. */
export const DEFAULT_TABLE: TableConverter<{ metadata: ObjectMeta }> = {
  columns: [
    NAME_COLUMN,
    {
      name: 'Created At',
      type: 'date',
      format: '',
      description: 'Time the object was created (metadata.creationTimestamp).',
      priority: 0,
    },
  ],
  cells: (object) => [object.metadata.name ?? '', object.metadata.creationTimestamp ?? ''],
};
