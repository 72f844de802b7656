/**
 * kubemetrics/testing: a local Kubernetes API server for tests and demos, and deterministic
 * cluster fixtures. See docs/testing.md.
 */
export { startTestCluster, DEFAULT_VERSION_INFO } from './test-cluster.js';
export type { TestCluster, TestCredentials } from './test-cluster.js';
export type { ScalingKinds } from './cluster-state.js';
export type { TestClusterOptions, TestUser, AllowRule } from './options.js';
export { EXTENSION_APISERVER_AUTHENTICATION } from './config-map.js';
export type { ConfigMap, FrontProxyOptions } from './config-map.js';
export type { FaultSpec } from './faults.js';
export type { RequestRecord } from './server.js';
export { buildCluster, demoCluster } from './fixtures.js';
export type { BuildClusterOptions, ClusterFixture } from './fixtures.js';
export { FIXTURE_METRICS } from './fixture-hpas.js';
export type { FixtureCustomMetric, FixtureExternalMetric, HpaFixture } from './fixture-hpas.js';
export { DEMO_HPAS } from './demo-hpas.js';
export type { FixtureWorkloads } from './fixture-workloads.js';
export { buildKubeconfig, KUBECONFIG_CONTEXT } from './kubeconfig.js';
export type { KubeconfigSpec } from './kubeconfig.js';
export {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from './certificates.js';
export type { CertificateAuthority, KeyPair } from './certificates.js';
export { SeededRandom } from './seeded-random.js';
export type { Lease } from './node-lease.js';
