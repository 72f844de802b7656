/**
 * apiregistration.k8s.io/v1 APIService: how kube-apiserver's aggregator (k8s.io/kube-aggregator
 * pkg/apis/apiregistration/v1 types.go) learns that a group/version is served by a Service, and
 * its `Available` condition as the availability controller sets it.
 */
import type { ObjectMeta, TypeMeta } from './meta.js';

export interface ServiceReference {
  namespace?: string;
  name?: string;
  /** Default 443. */
  port?: number;
}

export interface APIServiceSpec {
  /** Absent for a Local APIService (served by kube-apiserver itself). */
  service?: ServiceReference | null;
  group?: string;
  version?: string;
  insecureSkipTLSVerify?: boolean;
  /** Base64 of a PEM bundle (as on the wire). */
  caBundle?: string;
  groupPriorityMinimum?: number;
  versionPriority?: number;
}

export interface APIServiceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface APIService extends TypeMeta {
  metadata: ObjectMeta;
  spec: APIServiceSpec;
  status?: { conditions?: APIServiceCondition[] };
}

/** The port an APIService's service reference dials (the field defaults to 443). */
export function apiServicePort(service: ServiceReference): number {
  return service.port ?? 443;
}

/** The `Available` condition, if set. */
export function availableCondition(apiService: APIService): APIServiceCondition | undefined {
  return apiService.status?.conditions?.find((c) => c.type === 'Available');
}
