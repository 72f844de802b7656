/**
 * The apps/v1 workloads an HPA scales (k8s.io/api apps/v1 types.go): Deployments, ReplicaSets and
 * StatefulSets, with the fields their printers, the `scale` subresource and the HPA read.
 */
import type { PodSpec } from './core.js';
import type { ObjectMeta } from './meta.js';
import type { LabelSelectorWire } from './metrics.js';

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

export interface WorkloadCondition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelectorWire;
  template: PodTemplateSpec;
  strategy?: {
    type?: string;
    rollingUpdate?: { maxUnavailable?: string | number; maxSurge?: string | number };
  };
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: WorkloadCondition[];
}

export interface Deployment {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

export interface ReplicaSetSpec {
  replicas?: number;
  selector: LabelSelectorWire;
  template?: PodTemplateSpec;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
}

export interface ReplicaSet {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector: LabelSelectorWire;
  template: PodTemplateSpec;
  serviceName?: string;
  podManagementPolicy?: string;
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
}

export interface StatefulSet {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

/** The workloads with a `scale` subresource. */
export type ScalableWorkload = Deployment | ReplicaSet | StatefulSet;
