/** Options of {@link startTestCluster}: what the cluster holds, who may call it, how it listens. */
import type { ClusterObject } from './aggregation-state.js';
import type { ConfigMap, FrontProxyOptions } from './config-map.js';
import type {
  Deployment,
  Event,
  HorizontalPodAutoscaler,
  Namespace,
  Node,
  NodeMetrics,
  Pod,
  PodMetrics,
  ReplicaSet,
  StatefulSet,
  VersionInfo,
} from '../api/index.js';

/**
 * One permission, RBAC style: a request is allowed when some rule matches it. Every field is
 * optional; an absent field (or one containing `'*'`) matches anything.
 */
export interface AllowRule {
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verbs?: string[];
  /** API groups; `''` is the core group (`/api/v1`). */
  groups?: string[];
  /** Resource names as in URLs (`pods`, `nodes`); `pods/log` for a subresource. */
  resources?: string[];
  /**
   * Namespaces the rule applies in, like a RoleBinding. A rule with namespaces never matches
   * cluster-scoped requests nor lists across all namespaces.
   */
  namespaces?: string[];
  /**
   * Non-resource paths such as `/metrics`; a trailing `*` matches a prefix. Discovery (`/api`,
   * `/apis/...`), `/version` and the health paths are always allowed for authenticated users, as
   * the default `system:discovery` / `system:public-info-viewer` roles allow them.
   */
  nonResourceURLs?: string[];
}

/** A user the cluster knows. */
export interface TestUser {
  name: string;
  groups?: string[];
  /** Bearer token. Generated when neither `token` nor `clientCert` is given. */
  token?: string;
  /** Issue a client certificate for this user (CN = name, O = groups); needs `tls: true`. */
  clientCert?: boolean;
  /** What the user may do; absent = everything. `[]` = nothing beyond discovery. */
  allow?: AllowRule[];
}

export interface TestClusterOptions {
  nodes?: Node[];
  pods?: Pod[];
  /** Default: `default`, `kube-system`, `kube-public`, `kube-node-lease` and every pod's namespace. */
  namespaces?: Namespace[];
  events?: Event[];
  nodeMetrics?: NodeMetrics[];
  podMetrics?: PodMetrics[];
  /** apps/v1 workloads, served with get, list, watch and the `scale` subresource. */
  deployments?: Deployment[];
  replicaSets?: ReplicaSet[];
  statefulSets?: StatefulSet[];
  /** autoscaling/v2 HPAs, served with get, list, watch and the `status` subresource. */
  horizontalPodAutoscalers?: HorizontalPodAutoscaler[];
  /** metrics.k8s.io versions served, the first preferred. Default `['v1beta1', 'v1']`; `[]` = no metrics API (404, as without metrics-server). */
  metricsVersions?: ('v1' | 'v1beta1')[];
  /** HTTPS with a generated CA (default true); false = plain HTTP. */
  tls?: boolean;
  /** Default: one user `admin` in `system:masters` with a generated token. The kubeconfig uses the first user. */
  users?: TestUser[];
  /** Allow requests without credentials as `system:anonymous` (default false: 401 Status). */
  anonymous?: boolean;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Fields of `GET /version`; default a v1.32 server. */
  version?: Partial<VersionInfo>;
  /** ConfigMaps (core/v1), served with get, list and watch. */
  configMaps?: ConfigMap[];
  /**
   * Publishes `kube-system/extension-apiserver-authentication` as kube-apiserver does for
   * aggregated API servers: the front proxy's CA, allowed names and header names, and the client
   * CA (default: this cluster's CA). Without it the ConfigMap holds only `client-ca-file` (with
   * TLS), like a cluster started without `--requestheader-*` flags.
   */
  frontProxy?: FrontProxyOptions;
  /**
   * APIServices (apiregistration.k8s.io/v1), Services, EndpointSlices (discovery.k8s.io/v1),
   * Secrets and RBAC roles and bindings, each with its `kind`. APIServices with a service reference
   * are served by forwarding to that Service's ready endpoint (see `syncAPIServices`).
   */
  objects?: ClusterObject[];
  /**
   * Start with kube-apiserver's bootstrap RBAC objects aggregated servers and the HPA rely on
   * (system:auth-delegator, extension-apiserver-authentication-reader, the HPA controller's role
   * and binding). Default true. SubjectAccessReviews and requests of users without their own
   * `allow` rules are answered from the RBAC objects.
   */
  bootstrapRbac?: boolean;
  /** Change events kept per resource for watches resuming at a resourceVersion (default 1000); older → 410 Expired. */
  watchWindow?: number;
  /**
   * Period of the BOOKMARK events of watches that ask for them (`allowWatchBookmarks=true`), in ms;
   * default 60 000 (kube-apiserver's); 0 = none.
   */
  watchBookmarkIntervalMs?: number;
}
