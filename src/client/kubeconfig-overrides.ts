/**
 * kubectl's command-line overrides of the kubeconfig (`--cluster`, `--user`, `-n`, `--server`,
 * `--token`, `--certificate-authority`, `--insecure-skip-tls-verify`, `--tls-server-name`, `--as`,
 * `--as-group`), applied to the current context the way client-go's DirectClientConfig does
 * (k8s.io/client-go tools/clientcmd/client_config.go getContext, getCluster, getAuthInfo).
 */
import { configError, KubeConfig, type Cluster, type Context, type User } from './kubeconfig-model.js';

/** Command-line overrides; unset fields leave the kubeconfig alone. */
export interface KubeConfigOverrides {
  /** `--cluster`: the kubeconfig cluster the context uses. */
  readonly cluster?: string | undefined;
  /** `--user`: the kubeconfig user the context uses. */
  readonly user?: string | undefined;
  /** `-n`/`--namespace`: the context's namespace. */
  readonly namespace?: string | undefined;
  /** `--server`: the API server URL. */
  readonly server?: string | undefined;
  /** `--token`: bearer token (replaces the user's token, token file, exec plugin and auth provider). */
  readonly token?: string | undefined;
  /** `--certificate-authority`: CA file (replaces the cluster's CA and insecure flag). */
  readonly certificateAuthority?: string | undefined;
  /** `--insecure-skip-tls-verify`. */
  readonly insecureSkipTlsVerify?: boolean | undefined;
  /** `--tls-server-name`. */
  readonly tlsServerName?: string | undefined;
  /** `--as`: user to impersonate. */
  readonly impersonate?: string | undefined;
  /** `--as-group` (repeatable): groups to impersonate. */
  readonly impersonateGroups?: readonly string[] | undefined;
}

/** Name of the entries made up when the kubeconfig has none to override (e.g. only `--server`). */
const SYNTHETIC = 'kubemetrics-overrides';

function names(entries: readonly { readonly name: string }[]): string {
  return entries.length === 0 ? '(none)' : entries.map((e) => e.name).join(', ');
}

function replace<T extends { readonly name: string }>(list: readonly T[], entry: T): T[] {
  return [...list.filter((e) => e.name !== entry.name), entry];
}

function overrideCluster(base: Cluster, o: KubeConfigOverrides): Cluster {
  let cluster: Cluster = { ...base, ...(o.server === undefined ? {} : { server: o.server }) };
  // getCluster: an insecure or CA override replaces all three TLS trust fields, so a kubeconfig CA
  // does not clash with --insecure-skip-tls-verify and --certificate-authority beats inline data.
  if (o.insecureSkipTlsVerify === true || o.certificateAuthority !== undefined) {
    cluster = {
      ...cluster,
      skipTLSVerify: o.insecureSkipTlsVerify === true,
      caFile: o.certificateAuthority,
      caData: undefined,
    };
  }
  // getCluster: --server clears the kubeconfig's tls-server-name unless one is given with it.
  if (o.tlsServerName !== undefined || o.server !== undefined) {
    cluster = { ...cluster, tlsServerName: o.tlsServerName };
  }
  return cluster;
}

function overrideUser(base: User, o: KubeConfigOverrides): User {
  let user: User = base;
  if (o.token !== undefined) {
    user = { ...user, token: o.token, tokenFile: undefined, exec: undefined, authProvider: undefined };
  }
  if (o.impersonate !== undefined) user = { ...user, impersonate: o.impersonate };
  if (o.impersonateGroups !== undefined && o.impersonateGroups.length > 0) {
    user = { ...user, impersonateGroups: [...o.impersonateGroups] };
  }
  return user;
}

const touchesCluster = (o: KubeConfigOverrides): boolean =>
  o.server !== undefined ||
  o.certificateAuthority !== undefined ||
  o.insecureSkipTlsVerify === true ||
  o.tlsServerName !== undefined;

const touchesUser = (o: KubeConfigOverrides): boolean =>
  o.token !== undefined ||
  o.impersonate !== undefined ||
  (o.impersonateGroups !== undefined && o.impersonateGroups.length > 0);

/**
 * A copy of `kc` whose current context carries the overrides. The kubeconfig's own entries are
 * not changed: overridden clusters and users are copies under the same name in the copy.
 */
export function applyOverrides(kc: KubeConfig, o: KubeConfigOverrides): KubeConfig {
  const contextName = kc.getCurrentContext() || SYNTHETIC;
  const found = kc.getContextObject(contextName);
  if (found === null && kc.getCurrentContext() !== '' && o.server === undefined) {
    // The current context is missing: leave it for resolveConnection to report.
    return kc;
  }
  const base: Context = found ?? { name: contextName, cluster: '' };
  if (o.cluster !== undefined && kc.getCluster(o.cluster) === null) {
    throw configError(
      `--cluster "${o.cluster}" is not a cluster of the kubeconfig; clusters: ${names(kc.getClusters())}`,
      'List them with `kubectl config get-clusters`.',
    );
  }
  if (o.user !== undefined && kc.getUser(o.user) === null) {
    throw configError(
      `--user "${o.user}" is not a user of the kubeconfig; users: ${names(kc.getUsers())}`,
      'List them with `kubectl config get-users`.',
    );
  }
  const context: Context = {
    ...base,
    cluster: o.cluster ?? (base.cluster === '' && o.server !== undefined ? SYNTHETIC : base.cluster),
    user: o.user ?? base.user,
    namespace: o.namespace ?? base.namespace,
  };
  let clusters = kc.getClusters();
  if (touchesCluster(o)) {
    const cluster = kc.getCluster(context.cluster) ?? { name: context.cluster, server: '' };
    clusters = replace(clusters, overrideCluster(cluster, o));
  }
  let users = kc.getUsers();
  let userName = context.user;
  if (touchesUser(o)) {
    userName = userName === undefined || userName === '' ? SYNTHETIC : userName;
    const user = kc.getUser(userName) ?? { name: userName };
    users = replace(users, overrideUser(user, o));
  }
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters,
    users,
    contexts: replace(kc.getContexts(), { ...context, user: userName }),
    currentContext: context.name,
  });
  return copy;
}
