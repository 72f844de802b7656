/**
 * Credentials: a context of a kubeconfig turned into a {@link Connection} (server, proxy and, per
 * request, the headers and TLS material of its user), the way client-go builds a rest.Config from
 * it (k8s.io/client-go tools/clientcmd/client_config.go, getUserIdentificationPartialConfig):
 * token or token file (re-read, the file beats the inline token), client certificate and key
 * inline or from files, basic auth, exec plugins, impersonation, the cluster's CA,
 * insecure-skip-tls-verify and tls-server-name.
 *
 * The loader and the model live beside this file (kubeconfig-files.ts, kubeconfig-model.ts); this
 * module re-exports them so `credentials.js` stays the one entry point for the rest of the client.
 */
import { readFile } from 'node:fs/promises';
import { ExecPlugin } from './exec-plugin.js';
import { contextNames, kubeConfigEnv, requireContext } from './kubeconfig-files.js';
import { configError, errorMessage, type Cluster, type KubeConfig, type User } from './kubeconfig-model.js';
import { proxyFor } from './proxy.js';
import type { Connection, RequestAuth } from './transport.js';

export { KubeConfig } from './kubeconfig-model.js';
export { kubeConfigSource, loadKubeConfig } from './kubeconfig-files.js';
export type { KubeConfigSource, LoadKubeConfigOptions } from './kubeconfig-files.js';
export { SERVICE_ACCOUNT_DIR } from './in-cluster.js';

/** The cluster, user and context a client talks through. */
export interface ResolvedContext {
  readonly contextName: string;
  readonly clusterName: string;
  readonly userName: string | undefined;
  readonly server: string;
  /** The context's namespace, or `default`. */
  readonly namespace: string;
}

/**
 * How often files named by the kubeconfig are read again: client-go re-reads token files every
 * minute (k8s.io/client-go transport/token_source.go, cachingTokenSource), so a rotated token,
 * certificate or CA is picked up by long-lived clients.
 */
const FILE_REFRESH_MS = 60_000;

/** A file read at most once per {@link FILE_REFRESH_MS}; a failed re-read keeps the last content. */
class RefreshingFile {
  #content: Buffer | undefined;
  #readAt = 0;

  constructor(
    readonly file: string,
    private readonly what: string,
  ) {}

  async read(): Promise<Buffer> {
    const now = Date.now();
    if (this.#content !== undefined && now - this.#readAt < FILE_REFRESH_MS) return this.#content;
    try {
      this.#content = await readFile(this.file);
      this.#readAt = now;
    } catch (error) {
      // client-go keeps using the last token it read when a refresh fails.
      if (this.#content !== undefined) return this.#content;
      throw configError(
        `cannot read the ${this.what} ${this.file}: ${errorMessage(error)}`,
        'Check the path in the kubeconfig (relative paths are resolved against the kubeconfig file) and that this user can read it.',
        error,
      );
    }
    return this.#content;
  }
}

const decodeBase64 = (data: string): Buffer => Buffer.from(data.replace(/\s/g, ''), 'base64');

/** Seconds-since-epoch `exp` of a JWT, or `undefined` when it has none. */
function jwtExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the per-request credentials of one user against one cluster. */
class UserCredentials {
  readonly #user: User | undefined;
  readonly #cluster: Cluster;
  readonly #tokenFile: RefreshingFile | undefined;
  readonly #certFile: RefreshingFile | undefined;
  readonly #keyFile: RefreshingFile | undefined;
  readonly #caFile: RefreshingFile | undefined;
  readonly #exec: ExecPlugin | undefined;
  readonly #http: boolean;

  constructor(cluster: Cluster, user: User | undefined, env: NodeJS.ProcessEnv, http: boolean) {
    this.#cluster = cluster;
    this.#user = user;
    this.#http = http;
    const file = (name: string | undefined, what: string) =>
      name === undefined ? undefined : new RefreshingFile(name, what);
    this.#tokenFile = file(user?.tokenFile, `token file of user "${user?.name ?? ''}"`);
    this.#certFile =
      user?.certData === undefined
        ? file(user?.certFile, `client certificate of user "${user?.name ?? ''}"`)
        : undefined;
    this.#keyFile =
      user?.keyData === undefined
        ? file(user?.keyFile, `client key of user "${user?.name ?? ''}"`)
        : undefined;
    this.#caFile =
      cluster.caData === undefined
        ? file(cluster.caFile, `certificate authority of cluster "${cluster.name}"`)
        : undefined;
    this.#exec =
      user?.exec === undefined
        ? undefined
        : new ExecPlugin({ config: user.exec, cluster, userName: user.name, env });
  }

  async authenticate(): Promise<RequestAuth> {
    const user = this.#user;
    const headers: Record<string, string | string[]> = {};
    let cert: Buffer | string | undefined =
      user?.certData === undefined ? await this.#certFile?.read() : decodeBase64(user.certData);
    let key: Buffer | string | undefined =
      user?.keyData === undefined ? await this.#keyFile?.read() : decodeBase64(user.keyData);
    if ((cert === undefined) !== (key === undefined)) {
      throw configError(
        `user "${user?.name ?? ''}" has a client ${cert === undefined ? 'key' : 'certificate'} but no client ${cert === undefined ? 'certificate' : 'key'}`,
        'Set both client-certificate(-data) and client-key(-data) of the user in the kubeconfig.',
      );
    }

    // getUserIdentificationPartialConfig: a token file beats the inline token; exec and
    // auth-provider only run when the kubeconfig gives no token.
    let token = this.#tokenFile === undefined ? user?.token : (await this.#tokenFile.read()).toString('utf8');
    if ((token === undefined || token.trim() === '') && this.#exec !== undefined) {
      const credential = await this.#exec.credential();
      token = credential.token;
      if (credential.cert !== undefined) {
        cert = credential.cert;
        key = credential.key;
      }
    }
    if ((token === undefined || token.trim() === '') && user?.authProvider !== undefined) {
      token = this.#authProviderToken(user);
    }
    if (token !== undefined && token.trim() !== '') {
      // Token files often end in a newline; a header value must not.
      headers['authorization'] = `Bearer ${token.trim()}`;
    } else if (user?.username !== undefined || user?.password !== undefined) {
      headers['authorization'] =
        `Basic ${Buffer.from(`${user.username ?? ''}:${user.password ?? ''}`).toString('base64')}`;
    }
    // Impersonation (k8s.io/client-go transport/round_trippers.go, NewImpersonatingRoundTripper):
    // one Impersonate-Group header per group, as the API server reads them as a list.
    if (user?.impersonate !== undefined) headers['impersonate-user'] = user.impersonate;
    if (user?.impersonateGroups !== undefined && user.impersonateGroups.length > 0) {
      headers['impersonate-group'] = [...user.impersonateGroups];
    }

    const cluster = this.#cluster;
    const ca = cluster.caData === undefined ? await this.#caFile?.read() : decodeBase64(cluster.caData);
    return {
      headers,
      tls: {
        ...(ca === undefined || cluster.skipTLSVerify === true ? {} : { ca }),
        ...(cert === undefined ? {} : { cert, key }),
        // A plain-http server (kubectl proxy, tests) has no TLS to verify.
        ...(cluster.skipTLSVerify === true || this.#http ? { rejectUnauthorized: false } : {}),
        ...(cluster.tlsServerName === undefined ? {} : { servername: cluster.tlsServerName }),
      },
    };
  }

  /**
   * Built-in auth providers: kubectl removed gcp and azure (use their exec plugins); for oidc a
   * still-valid `id-token` is used as is, but refreshing it is left to kubectl or an exec plugin.
   */
  #authProviderToken(user: User): string {
    const provider = user.authProvider!;
    const hint =
      'Switch the user to an exec plugin: gke-gcloud-auth-plugin (GKE), kubelogin (AKS, OIDC: `kubectl oidc-login`), `aws eks get-token` (EKS).';
    if (provider.name !== 'oidc') {
      throw configError(
        `user "${user.name}" uses the auth-provider "${provider.name}", which kubectl and kubemetrics no longer support`,
        hint,
      );
    }
    const idToken = provider.config?.['id-token'];
    const exp = idToken === undefined ? undefined : jwtExpiry(idToken);
    if (idToken === undefined || idToken === '' || (exp !== undefined && exp * 1000 <= Date.now())) {
      throw configError(
        `user "${user.name}" has an oidc auth-provider whose id-token is ${idToken ? 'expired' : 'missing'}; kubemetrics does not refresh oidc tokens`,
        `Run any kubectl command with this context to refresh it (e.g. \`kubectl get --raw /version\`), then retry. ${hint}`,
      );
    }
    return idToken;
  }
}

/**
 * Resolves `contextName` (default: the current context) of `kc` into a {@link Connection} for the
 * transport. Files are re-read at most once a minute, exec plugins run again when their credential
 * expires, and concurrent requests share one credential lookup.
 *
 * The connection keeps its context, so a later `setCurrentContext` on `kc` does not move it.
 */
export function resolveConnection(
  kc: KubeConfig,
  contextName?: string,
): Connection & { readonly resolved: ResolvedContext } {
  const name = contextName ?? kc.getCurrentContext();
  if (name === undefined || name === null || name === '') {
    throw configError(
      `the kubeconfig has no current-context; available contexts: ${contextNames(kc)}`,
      'Pass a context (--context) or set one with `kubectl config use-context <name>`.',
    );
  }
  const context = requireContext(kc, name, contextName === undefined ? '(current-context)' : '');
  const cluster = kc.getCluster(context.cluster);
  if (cluster === null) {
    throw configError(
      `context "${name}" refers to cluster "${context.cluster}", which is not in the kubeconfig`,
      'Fix the context with `kubectl config set-context` or add the cluster with `kubectl config set-cluster`.',
    );
  }
  // An empty user means anonymous requests (allowed by kubectl too); a named user must exist.
  const userName = context.user === undefined || context.user === '' ? undefined : context.user;
  const user = userName === undefined ? undefined : kc.getUser(userName);
  if (user === null) {
    throw configError(
      `context "${name}" refers to user "${userName}", which is not in the kubeconfig`,
      'Fix the context with `kubectl config set-context` or add the user with `kubectl config set-credentials`.',
    );
  }
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch (error) {
    throw configError(
      `cluster "${cluster.name}" has ${cluster.server === '' ? 'no server' : `an invalid server URL "${cluster.server}"`}`,
      'The server must look like https://host:port (set it with `kubectl config set-cluster` or --server).',
      error,
    );
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw configError(
      `cluster "${cluster.name}" has server "${cluster.server}": only https:// and http:// are supported`,
      'The server must look like https://host:port.',
    );
  }
  if (cluster.skipTLSVerify === true && (cluster.caData !== undefined || cluster.caFile !== undefined)) {
    // client-go refuses this combination (rest.Config validation in tools/clientcmd/validation.go).
    throw configError(
      `cluster "${cluster.name}" sets both insecure-skip-tls-verify and a certificate authority`,
      'Remove one of them from the cluster in the kubeconfig (verifying with the CA is the safe choice).',
    );
  }
  const env = kubeConfigEnv(kc);
  const proxy = proxyFor(server, cluster.proxyUrl, env);
  const credentials = new UserCredentials(cluster, user, env, server.protocol === 'http:');

  const resolved: ResolvedContext = {
    contextName: name,
    clusterName: cluster.name,
    userName,
    server: cluster.server,
    namespace: context.namespace ?? 'default',
  };

  let inflight: Promise<RequestAuth> | undefined;
  const authenticate = (): Promise<RequestAuth> => {
    inflight ??= credentials
      .authenticate()
      .then((auth) => (proxy === undefined ? auth : { ...auth, proxy }))
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  return { server: cluster.server, contextName: name, userName, authenticate, resolved };
}
