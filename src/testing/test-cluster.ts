/**
 * `startTestCluster`: a local Kubernetes API server on 127.0.0.1 for tests, demos and users' own
 * tests — real HTTP(S), real authentication, enough of the API for kubectl and client libraries.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  APIResource,
  Event,
  Namespace,
  Node,
  NodeMetrics,
  Pod,
  PodMetrics,
  VersionInfo,
} from '../api/index.js';
import { KubemetricsError } from '../errors.js';
import { Authenticator } from './auth.js';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  type KeyPair,
} from './certificates.js';
import { syncAvailability } from './aggregator.js';
import { ClusterState, type ClusterKinds } from './cluster-state.js';
import { rbacAllows } from './rbac-authorizer.js';
import { extensionApiserverAuthentication, type ConfigMap } from './config-map.js';
import { FaultInjector, type FaultSpec } from './faults.js';
import { buildKubeconfig } from './kubeconfig.js';
import type { TestClusterOptions, TestUser } from './options.js';
import { closeServer, handleRequest, listen, type RequestRecord } from './server.js';
import { WatchRegistry } from './watch.js';

/** Credentials of one user, as they appear in its kubeconfig. */
export interface TestCredentials {
  token?: string;
  certPem?: string;
  keyPem?: string;
}

/** A running test cluster. Mutations take effect immediately and feed open watches. */
export interface TestCluster {
  /** Base URL, e.g. `https://127.0.0.1:41234`. */
  readonly url: string;
  /** PEM of the cluster CA; undefined with `tls: false`. */
  readonly caPem: string | undefined;
  /** Kubeconfig YAML for the first user (cluster, user and context named `kubemetrics-test`). */
  readonly kubeconfig: string;
  /** The same kubeconfig written to a temporary file, removed by {@link TestCluster.stop}. */
  readonly kubeconfigPath: string;
  /** Kubeconfig YAML for another user. @throws KubemetricsError for an unknown user. */
  kubeconfigFor(userName: string): string;
  /** Writes that user's kubeconfig to a temporary file (removed on stop) and returns its path. */
  kubeconfigPathFor(userName: string): string;
  /** A user's token and/or client certificate (default: the first user). */
  credentials(userName?: string): TestCredentials;

  /** Adds or replaces a node (ADDED/MODIFIED watch event, new resourceVersion). */
  upsertNode(node: Node): void;
  deleteNode(name: string): void;
  /** Adds or replaces a pod; its namespace is created if missing. */
  upsertPod(pod: Pod): void;
  deletePod(namespace: string, name: string): void;
  upsertNamespace(namespace: Namespace): void;
  /** Adds or replaces an event (core/v1). */
  upsertEvent(event: Event): void;
  /** Adds or replaces a ConfigMap; its namespace is created if missing. */
  upsertConfigMap(configMap: ConfigMap): void;
  deleteConfigMap(namespace: string, name: string): void;
  /**
   * Adds or replaces a Deployment, ReplicaSet, StatefulSet or HorizontalPodAutoscaler, or an
   * APIService, Service, EndpointSlice, Secret, Role, RoleBinding, ClusterRole or
   * ClusterRoleBinding (by `kind`); its namespace is created if missing. Feeds watches like the
   * other mutations.
   */
  upsertObject<K extends keyof ClusterKinds>(kind: K, object: ClusterKinds[K]): void;
  deleteObject(kind: keyof ClusterKinds, namespace: string, name: string): void;
  /**
   * Lists resources in discovery without serving them (requests answer 404 NotFound): lets
   * `kubectl apply --dry-run=client` map kinds such as Deployment or APIService. `group` `''` adds
   * to the core group (`/api/v1`).
   */
  declareResources(group: string, version: string, resources: APIResource[]): void;
  /**
   * One pass of kube-aggregator's availability controller: sets every APIService's `Available`
   * condition (Passed, Local, ServiceNotFound, ServicePortError, EndpointsNotFound,
   * MissingEndpoints, FailedDiscoveryCheck) from its Service, EndpointSlices and a discovery
   * request to its server. Requests to an APIService whose condition is False answer 503.
   */
  syncAPIServices(): Promise<void>;
  /** Replaces all node metrics (metrics.k8s.io has no watch, so no events). */
  setNodeMetrics(metrics: NodeMetrics[]): void;
  setPodMetrics(metrics: PodMetrics[]): void;
  /**
   * Simulates an etcd compaction: continue tokens and watch resourceVersions from before now are
   * answered with 410 Expired.
   */
  compact(): void;

  /**
   * Serves another API group/version through this server (like an aggregated APIService): it
   * appears in `/apis` discovery and requests under `/apis/<group>/<version>/` reach `handler`
   * after authentication and authorization. It takes precedence over a built-in group/version.
   */
  registerAPIService(service: {
    group: string;
    version: string;
    resources: APIResource[];
    handler: (req: IncomingMessage, res: ServerResponse) => void;
  }): void;
  /**
   * Fault injection: the next `times` (default 1) requests whose path matches get `status` with a
   * Status body (optionally `Retry-After`), or have their connection destroyed (`reset`).
   */
  injectFault(fault: FaultSpec): void;
  /** Removes every injected fault not used up yet (e.g. one with `times: Infinity`). */
  clearFaults(): void;
  /** Every request seen, in arrival order, for assertions such as "no request per node". */
  readonly requests: ReadonlyArray<RequestRecord>;
  resetRequestLog(): void;
  /** Ends open watches, closes the server and removes the temporary kubeconfig files. */
  stop(): Promise<void>;
}

/** Defaults of `GET /version`: a v1.32 server (what kubectl v1.32 expects). */
export const DEFAULT_VERSION_INFO: VersionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const DEFAULT_USER: TestUser = { name: 'admin', groups: ['system:masters'] };

function argumentError(message: string, hint?: string): KubemetricsError {
  return new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', message, { hint });
}

function validate(options: TestClusterOptions, users: readonly TestUser[], tls: boolean): void {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const user of users) {
    if (user.name === '') problems.push('a user has an empty name');
    if (names.has(user.name)) problems.push(`user "${user.name}" is listed twice`);
    names.add(user.name);
    if (user.clientCert === true && !tls)
      problems.push(`user "${user.name}" has clientCert: true but tls is false`);
  }
  const tokens = users.map((u) => u.token).filter((t) => t !== undefined);
  if (new Set(tokens).size !== tokens.length) problems.push('two users share a token');
  if (
    options.watchWindow !== undefined &&
    !(Number.isInteger(options.watchWindow) && options.watchWindow > 0)
  ) {
    problems.push(`watchWindow must be a positive integer, got ${options.watchWindow}`);
  }
  for (const v of options.metricsVersions ?? []) {
    if (v !== 'v1' && v !== 'v1beta1') problems.push(`metricsVersions: "${String(v)}" is not v1 or v1beta1`);
  }
  if (problems.length > 0) {
    throw argumentError(`startTestCluster: invalid options: ${problems.join('; ')}`);
  }
}

/**
 * Starts a test cluster and resolves once it accepts connections.
 *
 * @example
 * const cluster = await startTestCluster({ ...buildCluster({ nodes: 3 }) });
 * // KUBECONFIG=cluster.kubeconfigPath kubectl get nodes
 * await cluster.stop();
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const tls = options.tls ?? true;
  const host = options.host ?? '127.0.0.1';
  const users: TestUser[] = (options.users ?? [DEFAULT_USER]).map((u) => ({
    ...u,
    token: u.token ?? (u.clientCert === true ? undefined : randomBytes(24).toString('base64url')),
  }));
  validate(options, users, tls);

  const state = new ClusterState({
    nodes: options.nodes ?? [],
    pods: options.pods ?? [],
    namespaces: options.namespaces,
    events: options.events ?? [],
    nodeMetrics: options.nodeMetrics ?? [],
    podMetrics: options.podMetrics ?? [],
    configMaps: options.configMaps ?? [],
    deployments: options.deployments,
    replicaSets: options.replicaSets,
    statefulSets: options.statefulSets,
    horizontalPodAutoscalers: options.horizontalPodAutoscalers,
    metricsVersions: options.metricsVersions ?? ['v1beta1', 'v1'],
    objects: options.objects,
    bootstrapRbac: options.bootstrapRbac,
    watchWindow: options.watchWindow ?? 1000,
    version: { ...DEFAULT_VERSION_INFO, ...options.version },
  });

  let ca: ReturnType<typeof createCertificateAuthority> | undefined;
  let serverPair: KeyPair | undefined;
  const clientPairs = new Map<string, KeyPair>();
  if (tls) {
    ca = createCertificateAuthority();
    const ipAddresses = ['127.0.0.1', '::1'];
    const dnsNames = ['localhost'];
    if (isIP(host) !== 0 && !ipAddresses.includes(host)) ipAddresses.push(host);
    if (isIP(host) === 0 && host !== 'localhost') dnsNames.push(host);
    serverPair = issueServerCertificate(ca, { dnsNames, ipAddresses });
    for (const user of users) {
      if (user.clientCert === true)
        clientPairs.set(user.name, issueClientCertificate(ca, user.name, user.groups ?? []));
    }
  }

  const hasOwn = (options.configMaps ?? []).some(
    (c) => c.metadata.namespace === 'kube-system' && c.metadata.name === 'extension-apiserver-authentication',
  );
  if (!hasOwn && (options.frontProxy !== undefined || ca !== undefined))
    state.upsertConfigMap(extensionApiserverAuthentication(options.frontProxy, ca?.certPem));

  const authenticator = new Authenticator(users, options.anonymous ?? false, (user, info) =>
    rbacAllows(state.aggregation, user, info),
  );
  const faults = new FaultInjector();
  const watches = new WatchRegistry(options.watchBookmarkIntervalMs);
  const log: RequestRecord[] = [];
  let serverAddress = '';
  const router = {
    state,
    watches,
    frontProxy: options.frontProxy,
    get serverAddress() {
      return serverAddress;
    },
  };
  const { server, port } = await listen(
    {
      host,
      port: options.port ?? 0,
      tls: ca === undefined || serverPair === undefined ? undefined : { ...serverPair, caPem: ca.certPem },
    },
    (req, res) => handleRequest({ router, authenticator, faults, log }, req, res),
  );
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  serverAddress = `${urlHost}:${port}`;
  const url = `${tls ? 'https' : 'http'}://${serverAddress}`;

  const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-test-'));
  const userByName = new Map(users.map((u) => [u.name, u]));
  const credentials = (userName?: string): TestCredentials => {
    const name = userName ?? users[0]?.name;
    const user = name === undefined ? undefined : userByName.get(name);
    if (userName !== undefined && user === undefined) {
      throw argumentError(
        `test cluster has no user "${userName}"`,
        `known users: ${users.map((u) => u.name).join(', ') || '(none)'}`,
      );
    }
    const result: TestCredentials = {};
    if (user?.token !== undefined) result.token = user.token;
    const pair = user === undefined ? undefined : clientPairs.get(user.name);
    if (pair !== undefined) {
      result.certPem = pair.certPem;
      result.keyPem = pair.keyPem;
    }
    return result;
  };
  const kubeconfigFor = (userName: string): string => {
    const creds = credentials(userName);
    return buildKubeconfig({ server: url, caPem: ca?.certPem, userName, ...creds });
  };
  const firstUser = users[0]?.name;
  const kubeconfig =
    firstUser === undefined
      ? buildKubeconfig({ server: url, caPem: ca?.certPem, userName: 'anonymous' })
      : kubeconfigFor(firstUser);
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      watches.closeAll();
      await closeServer(server);
      rmSync(dir, { recursive: true, force: true });
    })());

  return {
    url,
    caPem: ca?.certPem,
    kubeconfig,
    kubeconfigPath,
    kubeconfigFor,
    kubeconfigPathFor(userName) {
      const text = kubeconfigFor(userName);
      const path = join(dir, `kubeconfig-${Buffer.from(userName).toString('hex')}`);
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    },
    credentials,
    upsertNode: (node) => state.upsertNode(node),
    deleteNode: (name) => void state.deleteNode(name),
    upsertPod: (pod) => state.upsertPod(pod),
    deletePod: (namespace, name) => void state.deletePod(namespace, name),
    upsertNamespace: (namespace) => state.upsertNamespace(namespace),
    upsertEvent: (event) => state.upsertEvent(event),
    upsertConfigMap: (configMap) => state.upsertConfigMap(configMap),
    deleteConfigMap: (namespace, name) => void state.deleteConfigMap(namespace, name),
    upsertObject: (kind, object) => state.upsertObject(kind, object),
    deleteObject: (kind, namespace, name) => void state.deleteObject(kind, namespace, name),
    declareResources: (group, version, resources) => state.declareResources(group, version, resources),
    syncAPIServices: () => syncAvailability({ stores: state.aggregation, frontProxy: options.frontProxy }),
    setNodeMetrics: (metrics) => state.setNodeMetrics(metrics),
    setPodMetrics: (metrics) => state.setPodMetrics(metrics),
    compact: () => state.compact(),
    registerAPIService(service) {
      if (service.group === '' || service.version === '') {
        throw argumentError(
          'registerAPIService: group and version must be non-empty (the core group is built in)',
        );
      }
      state.registerAPIService(service);
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    requests: log,
    resetRequestLog() {
      log.length = 0;
    },
    stop,
  };
}
