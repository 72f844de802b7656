/**
 * Delegated authentication, as an aggregated API server does it (k8s.io/apiserver
 * `DelegatingAuthenticationOptions` and `authenticatorfactory`), tried in this order:
 *
 * 1. **front proxy**: a client certificate that verifies against the front-proxy CA, with an
 *    allowed CN, plus `X-Remote-User` (and `X-Remote-Group`, `X-Remote-Extra-*`): the user is who
 *    the headers say (request-header.ts). The headers mean nothing without that certificate.
 * 2. **client certificate**: one that verifies against the client CA: user = CN, groups = O
 *    (k8s.io/apiserver `authentication/request/x509`).
 * 3. **bearer token**: checked with a TokenReview against the cluster (token-review.ts). An
 *    invalid token is a 401 even when anonymous requests are allowed.
 * 4. **anonymous** (`system:anonymous`, group `system:unauthenticated`), only when enabled.
 *
 * Authenticated users get the group `system:authenticated`. CAs and front-proxy settings come
 * from options (files are re-read when they change) and, for what the options leave out, from the
 * cluster's `kube-system/extension-apiserver-authentication` ConfigMap, kept current by an
 * informer. Certificate checks run once per TLS connection, not once per request.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { RateLimitedLog } from '../../http/index.js';
import { KubemetricsError } from '../../errors.js';
import type { Authenticator, UserInfo } from './auth.js';
import {
  CertificateBundle,
  peerCertificateChain,
  subjectNames,
  verifyClientChain,
} from './client-certificate.js';
import type { ChainVerification } from './client-certificate.js';
import type { ClusterAccess } from './cluster-access.js';
import {
  EXTENSION_APISERVER_AUTHENTICATION_NAME,
  EXTENSION_APISERVER_AUTHENTICATION_NAMESPACE,
  parseClusterAuthentication,
} from './extension-apiserver-authentication.js';
import type { ClusterAuthenticationConfig } from './extension-apiserver-authentication.js';
import { watchFiles } from '../config/file-watcher.js';
import type { FileWatch } from '../config/file-watcher.js';
import { Informer } from '../../client/index.js';
import type { KubernetesObject } from '../../client/index.js';
import { logInformerTransitions } from '../listers/informer-log.js';
import type { Logger } from '../provider/logger.js';
import {
  DEFAULT_EXTRA_HEADER_PREFIXES,
  DEFAULT_GROUP_HEADERS,
  DEFAULT_USERNAME_HEADERS,
  userFromHeaders,
} from './request-header.js';
import type { RequestHeaderConfig } from './request-header.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { describeThrown } from '../provider/status-error.js';
import { TokenReviewAuthenticator } from './token-review.js';
import type { TokenReviewOptions } from './token-review.js';

/** The front proxy to trust (kube-apiserver's `--requestheader-*` flags). */
export interface RequestHeaderOptions {
  /** `--requestheader-client-ca-file`: CA of the front proxy's client certificate. */
  readonly caFile?: string | undefined;
  /** The same CA as PEM text. */
  readonly caPem?: string | undefined;
  /** `--requestheader-allowed-names`: allowed CNs; empty or absent = any CN from the CA. */
  readonly allowedNames?: readonly string[] | undefined;
  /** `--requestheader-username-headers`, default `X-Remote-User`. */
  readonly usernameHeaders?: readonly string[] | undefined;
  /** `--requestheader-group-headers`, default `X-Remote-Group`. */
  readonly groupHeaders?: readonly string[] | undefined;
  /** `--requestheader-extra-headers-prefix`, default `X-Remote-Extra-`. */
  readonly extraHeaderPrefixes?: readonly string[] | undefined;
}

/** How requests are authenticated; see the module comment for the order. */
export interface AuthenticationOptions {
  readonly requestHeader?: RequestHeaderOptions | undefined;
  /** `--client-ca-file`: users with certificates from this CA are the certificate's CN and O. */
  readonly clientCA?:
    { readonly caFile?: string | undefined; readonly caPem?: string | undefined } | undefined;
  /**
   * Read what the options leave out from `kube-system/extension-apiserver-authentication` (and
   * follow its changes). Default: true when the server has cluster access.
   */
  readonly lookupFromCluster?: boolean | undefined;
  /** Bearer tokens via TokenReview (default: on when the server has cluster access). */
  readonly tokenReview?: boolean | TokenReviewOptions | undefined;
  /** `--anonymous-auth`: requests without credentials are `system:anonymous` (default false: 401). */
  readonly anonymous?: boolean | undefined;
  /** How often CA files are re-read without a change event, in ms (default 60 000). */
  readonly reloadIntervalMs?: number | undefined;
}

export interface AuthenticationDependencies {
  readonly cluster: ClusterAccess | undefined;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /** Interval of the rate-limited failure log lines, ms (default 60 000; for tests). */
  readonly logIntervalMs?: number | undefined;
}

const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

interface SocketState {
  readonly version: number;
  readonly frontProxy: ChainVerification | undefined;
  readonly client: ChainVerification | undefined;
  readonly names: { commonName: string; organizations: string[] } | undefined;
}

function readBundle(file: string, what: string): CertificateBundle {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `cannot read ${what} ${file}: ${describeThrown(error)}`,
      {
        cause: error,
        hint: 'Check the path (and that the Secret or ConfigMap holding it is mounted).',
      },
    );
  }
  return CertificateBundle.parse(pem, `${what} ${file}`);
}

function withAuthenticated(user: UserInfo): UserInfo {
  const groups = user.groups ?? [];
  return groups.includes('system:authenticated')
    ? user
    : { ...user, groups: [...groups, 'system:authenticated'] };
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

export class DelegatingAuthentication {
  readonly #options: AuthenticationOptions;
  readonly #deps: AuthenticationDependencies;
  readonly #tokens: TokenReviewAuthenticator | undefined;
  readonly #informer: Informer<KubernetesObject, Readonly<Record<string, string>>> | undefined;
  readonly #listeners = new Set<() => void>();
  readonly #sockets = new WeakMap<object, SocketState>();
  #fileRequestHeaderCA: CertificateBundle | undefined;
  #fileClientCA: CertificateBundle | undefined;
  #fromCluster: ClusterAuthenticationConfig = {};
  #requestHeader: RequestHeaderConfig | undefined;
  #clientCA: CertificateBundle | undefined;
  #version = 0;
  #watch: FileWatch | undefined;
  /**
   * A TokenReview endpoint that is down fails every request with a token: one line per cause a
   * minute, with the count, instead of one per request.
   */
  readonly #tokenReviewFailures: RateLimitedLog;

  constructor(options: AuthenticationOptions, deps: AuthenticationDependencies) {
    this.#options = options;
    this.#deps = deps;
    this.#tokenReviewFailures = new RateLimitedLog(
      (fields, message) => deps.logger.error(fields, message),
      'TokenReview failed',
      deps.logIntervalMs ?? 60_000,
    );
    const problems: string[] = [];
    const { requestHeader, clientCA, cluster } = { ...options, cluster: deps.cluster };
    if (requestHeader?.caFile !== undefined && requestHeader.caPem !== undefined)
      problems.push('authentication.requestHeader: give caFile or caPem, not both');
    if (clientCA?.caFile !== undefined && clientCA.caPem !== undefined)
      problems.push('authentication.clientCA: give caFile or caPem, not both');
    if (options.tokenReview !== undefined && options.tokenReview !== false && cluster === undefined)
      problems.push(
        'authentication.tokenReview needs cluster access (a kubeconfig or the in-cluster service account)',
      );
    if (options.lookupFromCluster === true && cluster === undefined)
      problems.push(
        'authentication.lookupFromCluster needs cluster access (a kubeconfig or the in-cluster service account)',
      );
    if (problems.length > 0) throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', problems.join('; '));

    this.#fileRequestHeaderCA =
      requestHeader?.caFile !== undefined
        ? readBundle(requestHeader.caFile, 'requestheader client CA file')
        : requestHeader?.caPem !== undefined
          ? CertificateBundle.parse(requestHeader.caPem, 'authentication.requestHeader.caPem')
          : undefined;
    this.#fileClientCA =
      clientCA?.caFile !== undefined
        ? readBundle(clientCA.caFile, 'client CA file')
        : clientCA?.caPem !== undefined
          ? CertificateBundle.parse(clientCA.caPem, 'authentication.clientCA.caPem')
          : undefined;

    const tokenReview = options.tokenReview ?? cluster !== undefined;
    this.#tokens =
      tokenReview === false || cluster === undefined
        ? undefined
        : new TokenReviewAuthenticator(cluster, tokenReview === true ? {} : tokenReview, deps.metrics);

    if ((options.lookupFromCluster ?? cluster !== undefined) && cluster !== undefined) {
      let current: Readonly<Record<string, string>> | undefined;
      this.#informer = new Informer<KubernetesObject, Readonly<Record<string, string>>>({
        name: `${EXTENSION_APISERVER_AUTHENTICATION_NAMESPACE}/${EXTENSION_APISERVER_AUTHENTICATION_NAME}`,
        source: cluster,
        path: `/api/v1/namespaces/${EXTENSION_APISERVER_AUTHENTICATION_NAMESPACE}/configmaps`,
        fieldSelector: `metadata.name=${EXTENSION_APISERVER_AUTHENTICATION_NAME}`,
        transform: (object) => (object as { data?: Record<string, string> }).data ?? {},
        store: {
          replace: (items) => {
            current = items.values().next().value;
          },
          upsert: (_key, data) => {
            current = data;
          },
          delete: () => {
            current = undefined;
          },
        },
        onChange: () => this.#applyClusterConfig(current),
        onError: (error) => {
          deps.metrics.certificateReloads.inc({ source: 'configmap', result: 'error' });
          if ((error as { status?: number }).status === 403)
            deps.logger.warn(
              { error: describeThrown(error) },
              "cannot read kube-system/extension-apiserver-authentication: bind the Role extension-apiserver-authentication-reader to this server's service account",
            );
        },
        onTransition: logInformerTransitions(deps.logger),
      });
    }
    this.#recompute();
  }

  /** Whether each way of authenticating is configured now. */
  describe(): { frontProxy: boolean; clientCertificates: boolean; tokenReview: boolean; anonymous: boolean } {
    return {
      frontProxy: this.#requestHeader !== undefined,
      clientCertificates: this.#clientCA !== undefined,
      tokenReview: this.#tokens !== undefined,
      anonymous: this.#options.anonymous === true,
    };
  }

  /** PEM of every CA whose certificates are accepted, for the TLS handshake's CA list. */
  clientCAs(): string[] {
    const pems = [this.#requestHeader?.ca.pem, this.#clientCA?.pem].filter(
      (p): p is string => p !== undefined,
    );
    return [...new Set(pems)];
  }

  /** Called whenever the CAs or the front-proxy settings change. */
  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** False until the ConfigMap (when used) has been read once, successfully or not. */
  ready(): boolean {
    return this.#informer === undefined || this.#informer.attempted;
  }

  start(): void {
    this.#informer?.start();
    const files = [this.#options.requestHeader?.caFile, this.#options.clientCA?.caFile].filter(
      (f): f is string => f !== undefined,
    );
    if (files.length > 0 && this.#watch === undefined)
      this.#watch = watchFiles(files, () => this.#reloadFiles(), {
        pollIntervalMs: this.#options.reloadIntervalMs ?? 60_000,
      });
  }

  /** Writes the counts of rate-limited log lines still open (on shutdown). */
  flushLogs(): void {
    this.#tokenReviewFailures.flush();
  }

  async stop(): Promise<void> {
    this.#watch?.close();
    this.#watch = undefined;
    await this.#informer?.stop();
  }

  /** The request's user, `undefined` for 401. */
  readonly authenticate: Authenticator = async (req) => {
    const { metrics } = this.#deps;
    const state = this.#socketState(req);
    if (state !== undefined) {
      const header = this.#requestHeader;
      if (header !== undefined && state.frontProxy?.ok === true && state.names !== undefined) {
        const cn = state.names.commonName;
        if (header.allowedNames.length === 0 || header.allowedNames.includes(cn)) {
          const user = userFromHeaders(req, header);
          if (user !== undefined) {
            metrics.countAuthentication('front-proxy', 'success');
            return withAuthenticated(user);
          }
        }
      }
      if (state.client?.ok === true && state.names !== undefined && state.names.commonName !== '') {
        metrics.countAuthentication('x509', 'success');
        return withAuthenticated({ username: state.names.commonName, groups: state.names.organizations });
      }
    }
    const token = bearerToken(req);
    if (token !== undefined) {
      if (this.#tokens === undefined || token === '') {
        metrics.countAuthentication('token', 'failure');
        return undefined;
      }
      let user: UserInfo | undefined;
      try {
        user = await this.#tokens.authenticate(token);
      } catch (error) {
        // As kube-apiserver: a review that fails is an authentication failure (401), logged.
        metrics.countAuthentication('token', 'error');
        const cause = describeThrown(error);
        this.#tokenReviewFailures.log(cause, { error: cause });
        return undefined;
      }
      metrics.countAuthentication('token', user === undefined ? 'failure' : 'success');
      return user === undefined ? undefined : withAuthenticated(user);
    }
    if (this.#options.anonymous === true) {
      metrics.countAuthentication('anonymous', 'success');
      return ANONYMOUS;
    }
    metrics.countAuthentication('none', 'failure');
    return undefined;
  };

  #socketState(req: IncomingMessage): SocketState | undefined {
    const socket = req.socket as Partial<TLSSocket>;
    if (typeof socket.getPeerCertificate !== 'function') return undefined;
    const cached = this.#sockets.get(socket);
    if (cached !== undefined && cached.version === this.#version) return cached;
    const chain = peerCertificateChain(socket as TLSSocket);
    const leaf = chain[0];
    const now = Date.now();
    const state: SocketState = {
      version: this.#version,
      frontProxy:
        leaf === undefined || this.#requestHeader === undefined
          ? undefined
          : verifyClientChain(chain, this.#requestHeader.ca, now),
      client:
        leaf === undefined || this.#clientCA === undefined
          ? undefined
          : verifyClientChain(chain, this.#clientCA, now),
      names: leaf === undefined ? undefined : subjectNames(leaf),
    };
    this.#sockets.set(socket, state);
    return state;
  }

  #reloadFiles(): void {
    const { requestHeader, clientCA } = this.#options;
    const { metrics, logger } = this.#deps;
    try {
      const nextHeader =
        requestHeader?.caFile === undefined
          ? this.#fileRequestHeaderCA
          : readBundle(requestHeader.caFile, 'requestheader client CA file');
      const nextClient =
        clientCA?.caFile === undefined ? this.#fileClientCA : readBundle(clientCA.caFile, 'client CA file');
      if (nextHeader?.pem === this.#fileRequestHeaderCA?.pem && nextClient?.pem === this.#fileClientCA?.pem)
        return;
      this.#fileRequestHeaderCA = nextHeader;
      this.#fileClientCA = nextClient;
      metrics.certificateReloads.inc({ source: 'ca-file', result: 'success' });
      logger.info({}, 'reloaded client CA files');
      this.#recompute();
    } catch (error) {
      metrics.certificateReloads.inc({ source: 'ca-file', result: 'error' });
      logger.warn(
        { error: describeThrown(error) },
        'cannot reload a client CA file; keeping the previous one',
      );
    }
  }

  #applyClusterConfig(data: Readonly<Record<string, string>> | undefined): void {
    const { config, problems } = parseClusterAuthentication(data ?? {});
    for (const problem of problems)
      this.#deps.logger.warn({ problem }, 'ignoring part of kube-system/extension-apiserver-authentication');
    const before = JSON.stringify(this.#describeCluster(this.#fromCluster));
    this.#fromCluster = config;
    if (JSON.stringify(this.#describeCluster(config)) === before) return;
    this.#deps.metrics.certificateReloads.inc({ source: 'configmap', result: 'success' });
    this.#deps.logger.info(
      { frontProxy: config.requestHeader !== undefined, clientCA: config.clientCA !== undefined },
      'loaded kube-system/extension-apiserver-authentication',
    );
    this.#recompute();
  }

  #describeCluster(config: ClusterAuthenticationConfig): unknown {
    return { ...config.requestHeader, ca: config.requestHeader?.ca.pem, clientCA: config.clientCA?.pem };
  }

  /** Options win over the ConfigMap, field by field. */
  #recompute(): void {
    const options = this.#options.requestHeader;
    const cluster = this.#fromCluster.requestHeader;
    const ca = this.#fileRequestHeaderCA ?? cluster?.ca;
    this.#requestHeader =
      ca === undefined
        ? undefined
        : {
            ca,
            allowedNames: options?.allowedNames ?? cluster?.allowedNames ?? [],
            usernameHeaders: options?.usernameHeaders ?? cluster?.usernameHeaders ?? DEFAULT_USERNAME_HEADERS,
            groupHeaders: options?.groupHeaders ?? cluster?.groupHeaders ?? DEFAULT_GROUP_HEADERS,
            extraHeaderPrefixes:
              options?.extraHeaderPrefixes ?? cluster?.extraHeaderPrefixes ?? DEFAULT_EXTRA_HEADER_PREFIXES,
          };
    this.#clientCA = this.#fileClientCA ?? this.#fromCluster.clientCA;
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}
