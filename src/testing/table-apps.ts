/**
 * Server-side Tables of the apps/v1 workloads, with kube-apiserver's columns (k8s.io/kubernetes
 * pkg/printers/internalversion printers.go: printDeployment, printReplicaSet, printStatefulSet).
 * The wide columns (Containers, Images, Selector) are always sent; kubectl shows them with `-o wide`.
 */
import { labelSelectorFromWire, type Container, type LabelSelectorWire } from '../api/index.js';
import type { Deployment, ReplicaSet, StatefulSet } from '../api/index.js';
import { AGE_COLUMN, age, column, NAME_COLUMN, type TableColumn, type TableConverter } from './table.js';

const integer = (name: string, description: string): TableColumn => ({
  ...column(name, description),
  type: 'integer',
});

const WIDE_COLUMNS = [
  column('Containers', 'Names of each container in the template.', 1),
  column('Images', 'Images referenced by each container in the template.', 1),
];
const SELECTOR_COLUMN = column('Selector', 'Label query over pods that should match the replica count.', 1);

/** `layoutContainerCells`: names and images comma-joined on one line. */
function containerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

/**
 * A selector in the printers' form (`metav1.LabelSelectorAsSelector(...).String()`): requirements
 * sorted by key, `<invalid>` when it does not parse. Also the Scale subresource's `status.selector`.
 */
export function selectorString(selector: LabelSelectorWire | undefined): string {
  if (selector === undefined) return '';
  try {
    return labelSelectorFromWire(selector).toString();
  } catch {
    return '<invalid>';
  }
}

export const DEPLOYMENT_TABLE: TableConverter<Deployment> = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'Number of the pod with ready state'),
    integer(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    integer(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE_COLUMN,
    ...WIDE_COLUMNS,
    SELECTOR_COLUMN,
  ],
  cells(d, now) {
    const status = d.status ?? {};
    return [
      d.metadata.name ?? '',
      `${status.readyReplicas ?? 0}/${d.spec.replicas ?? 0}`,
      status.updatedReplicas ?? 0,
      status.availableReplicas ?? 0,
      age(d.metadata.creationTimestamp, now),
      ...containerCells(d.spec.template.spec.containers),
      selectorString(d.spec.selector),
    ];
  },
};

export const REPLICA_SET_TABLE: TableConverter<ReplicaSet> = {
  columns: [
    NAME_COLUMN,
    integer('Desired', 'Replicas is the number of desired replicas.'),
    integer('Current', 'Replicas is the most recently observed number of replicas.'),
    integer('Ready', 'The number of ready replicas for this replica set.'),
    AGE_COLUMN,
    ...WIDE_COLUMNS,
    SELECTOR_COLUMN,
  ],
  cells(rs, now) {
    return [
      rs.metadata.name ?? '',
      rs.spec.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      age(rs.metadata.creationTimestamp, now),
      ...containerCells(rs.spec.template?.spec.containers),
      selectorString(rs.spec.selector),
    ];
  },
};

export const STATEFUL_SET_TABLE: TableConverter<StatefulSet> = {
  columns: [NAME_COLUMN, column('Ready', 'Number of the pod with ready state'), AGE_COLUMN, ...WIDE_COLUMNS],
  cells(s, now) {
    return [
      s.metadata.name ?? '',
      `${s.status?.readyReplicas ?? 0}/${s.spec.replicas ?? 0}`,
      age(s.metadata.creationTimestamp, now),
      ...containerCells(s.spec.template.spec.containers),
    ];
  },
};
