/** Every check, in the order doctor reports them. A new check is one file plus one line here. */
import type { DoctorCheck } from '../check.js';
import { apiServiceCheck } from './apiservice.js';
import { certificateCheck } from './certificate.js';
import { discoveryCheck } from './discovery.js';
import { frontProxyCheck } from './front-proxy.js';
import { hpaCheck } from './hpa.js';
import { rbacCheck } from './rbac.js';
import { resourceMetricsCheck } from './resource-metrics.js';
import { serviceCheck } from './service.js';

export const CHECKS: readonly DoctorCheck[] = [
  apiServiceCheck,
  serviceCheck,
  certificateCheck,
  frontProxyCheck,
  discoveryCheck,
  rbacCheck,
  hpaCheck,
  resourceMetricsCheck,
];
