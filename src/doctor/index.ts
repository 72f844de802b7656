/**
 * kubemetrics doctor: checks the chain behind the metrics APIs (APIService, Service, endpoints,
 * certificate, front-proxy trust, discovery, RBAC, HPAs, metrics coverage) and says the fix.
 * See docs/doctor.md.
 */
export { runDoctor, selectChecks } from './run.js';
export type { DoctorReport, DoctorRunOptions } from './run.js';
export { CHECKS } from './checks/index.js';
export type { DoctorCheck } from './check.js';
export type { DoctorCluster, DoctorContext } from './context.js';
export { DOCTOR_GROUPS, METRICS_APIS } from './apis.js';
export type { DoctorGroup } from './apis.js';
export type { CheckResult, CheckStatus } from './result.js';
