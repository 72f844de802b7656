/** The three metrics APIs doctor checks, and which `--group` selects each. */

export type DoctorGroup = 'metrics' | 'custom' | 'external';

export interface MetricsApi {
  readonly doctorGroup: DoctorGroup;
  readonly group: string;
  /** The versions clients use, preferred first. */
  readonly versions: readonly string[];
}

export const METRICS_APIS: readonly MetricsApi[] = [
  { doctorGroup: 'metrics', group: 'metrics.k8s.io', versions: ['v1beta1'] },
  { doctorGroup: 'custom', group: 'custom.metrics.k8s.io', versions: ['v1beta2', 'v1beta1'] },
  { doctorGroup: 'external', group: 'external.metrics.k8s.io', versions: ['v1beta1'] },
];

export const DOCTOR_GROUPS: readonly DoctorGroup[] = ['metrics', 'custom', 'external'];

/** The APIService name of a group/version (`v1beta1.metrics.k8s.io`), as kube-aggregator requires. */
export function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}
