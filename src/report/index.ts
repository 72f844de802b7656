/**
 * `kubemetrics/report`: capacity and utilization reports. Trim nodes, pods and metrics into
 * compact records, compute each pod's effective requests and limits the way the scheduler and
 * `kubectl describe node` do, aggregate per cluster, node, namespace, workload, pod and container,
 * sort, and hand plain rows to printers. docs/report-rules.md explains every rule.
 */
export {
  createRecordTrimmer,
  podKey,
  trimNode,
  trimNodeMetrics,
  trimPod,
  trimPodMetrics,
} from './records.js';
export type {
  ContainerUsageRecord,
  NodeRecord,
  NodeUsageRecord,
  PodRecord,
  PodResources,
  PodUsageRecord,
  RecordTrimmer,
  RecordTrimmerOptions,
} from './records.js';
export {
  effectivePodLimits,
  effectivePodRequests,
  isPodLevelRequestsSet,
  isPodLevelResourcesSet,
  isSupportedPodLevelResource,
} from './pod-resources.js';
export type {
  ContainerKind,
  ContainerResources,
  PodLevelResources,
  PodResourceInput,
} from './pod-resources.js';
export {
  amountOf,
  amountsEqual,
  compareResourceNames,
  EMPTY_AMOUNTS,
  isByteResource,
  isHugePagesResource,
  sumAmounts,
} from './resource-amounts.js';
export type { MutableResourceAmounts, ResourceAmounts } from './resource-amounts.js';
export {
  controllerOf,
  deploymentOfReplicaSet,
  POD_TEMPLATE_HASH_LABEL,
  workloadOf,
} from './workload-owner.js';
export type { WorkloadRef } from './workload-owner.js';
export { buildReport, ROW_LEVELS } from './aggregate.js';
export type {
  ClusterRow,
  ContainerRow,
  NamespaceRow,
  NodeRow,
  PodGroupRow,
  PodRow,
  ReportInput,
  ReportModel,
  ReportOptions,
  ReportRow,
  RowBase,
  RowLevel,
  WorkloadRow,
} from './aggregate.js';
export {
  hasCapacity,
  isAggregateRow,
  MEASURES,
  rowAmount,
  rowKubectlPercent,
  rowPercent,
  rowPods,
  rowPodsKubectlPercent,
  rowPodsPercent,
  usageOfLimits,
} from './row-values.js';
export type { Measure } from './row-values.js';
export { kubectlPercent, kubectlUsagePercent, Percent, percentOf } from './percent.js';
export { parseSortColumn, sortColumns, sortRows } from './sort.js';
export type { SortColumn, SortOptions } from './sort.js';
export { createPlainRowConverter, plainScope, reportToPlain, toPlainQuantity } from './plain-report.js';
export { selectsNodes, selectsPods, usageSource } from './scope.js';
export { scopeInput } from './scope-input.js';
export type { ReportScope, UsageSource } from './scope.js';
export type {
  PlainClusterRow,
  PlainContainerRow,
  PlainNamespaceRow,
  PlainNodeRow,
  PlainPodRow,
  PlainQuantity,
  PlainReport,
  PlainResource,
  PlainResources,
  PlainRowConverter,
  PlainScope,
  PlainWorkloadRow,
} from './plain-report.js';
// Collection (live or snapshot), top rows and printers.
export { clusterResourceNames, unknownResourcesProblem } from './resource-names.js';
export { createCollectFilter } from './collect-filter.js';
export type { CollectFilter, CollectFilterOptions } from './collect-filter.js';
export { createRecordSink, recordsFromObjects } from './collect-sink.js';
export type { ClusterObjects, ClusterRecords, ClusterSink } from './collect-sink.js';
export { collectCluster, NON_TERMINAL_PODS } from './collect.js';
export type { CollectOptions, CollectParts, CollectProgress, CollectResult } from './collect.js';
export { collectRecords, namespaceExists } from './collect-records.js';
export type { ClusterData, ClusterSource } from './collect-records.js';
export {
  createSnapshotSink,
  parseSnapshot,
  readSnapshot,
  replaySnapshot,
  writeSnapshot,
  encodeSnapshot,
  SNAPSHOT_API_VERSION,
  SNAPSHOT_KIND,
} from './snapshot.js';
export type { Snapshot } from './snapshot.js';
export {
  formatTopCpu,
  formatTopMemory,
  kubectlTopPercent,
  milliValue,
  topNodeRows,
  topPodRows,
  unitValue,
} from './top.js';
export type { TopNodeRow, TopNodesInput, TopPodRow, TopPodsInput, TopSortBy } from './top.js';
export { topNodesPlain, topNodesTable, topPodsPlain, topPodsTable } from './print-top.js';
export type { TopPodsTableOptions, TopTable } from './print-top.js';
export {
  capacityDelimited,
  capacityLines,
  capacityPlain,
  capacityScopeNote,
  capacityTable,
  csvEscape,
  formatAmount,
} from './print-capacity.js';
export type { CapacityGrouping, CapacityView } from './print-capacity.js';
