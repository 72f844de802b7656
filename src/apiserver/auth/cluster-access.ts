/**
 * The metrics API server's calls back into its cluster: TokenReview and SubjectAccessReview
 * (POST), the `extension-apiserver-authentication` ConfigMap and the lists behind the informers
 * (GET, with the client's retries), and watches. One object per kubeconfig context, built on the
 * client layer's `Connection` so credentials (in-cluster token rotation, exec plugins) behave as
 * everywhere else in the package.
 */
import { isStatus, STATUS_REASON_BY_CODE } from '../../api/index.js';
import type { Status } from '../../api/index.js';
import {
  KubernetesApiError,
  resolveConnection,
  RotatingAgent,
  Transport,
  watch,
} from '../../client/index.js';
import type { Connection, KubeConfig, Query, Watch, WatchOptions } from '../../client/index.js';
import { KubemetricsError } from '../../errors.js';

/** Options of {@link ClusterAccess}. */
export interface ClusterAccessOptions {
  /** kubeconfig context; default the current one. */
  readonly context?: string | undefined;
  /**
   * Deadline of one call in ms (default 10 000: k8s.io/apiserver's delegated authentication and
   * authorization clients use 10 s).
   */
  readonly timeoutMs?: number | undefined;
}

/** Calls to the cluster the server is aggregated into. */
export class ClusterAccess {
  readonly #connection: Connection;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #agents = new RotatingAgent({ connections: 8, keepAliveTimeout: 30_000 });
  #closed = false;

  constructor(connection: Connection, options: ClusterAccessOptions = {}) {
    this.#connection = connection;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#transport = new Transport(connection, { timeoutMs: this.#timeoutMs, retries: 2 });
  }

  /** Access through a kubeconfig context (in a pod: `loadKubeConfig()` finds the service account). */
  static fromKubeConfig(kubeConfig: KubeConfig, options: ClusterAccessOptions = {}): ClusterAccess {
    return new ClusterAccess(resolveConnection(kubeConfig, options.context), options);
  }

  /** The API server URL, for logs. */
  get server(): string {
    return this.#connection.server;
  }

  /** GET with retries (429/5xx/connection resets); errors are typed `KubemetricsError`s. */
  getJSON<T>(path: string, query: Query | undefined, signal?: AbortSignal): Promise<T> {
    return this.#transport.getJSON<T>({ path, query, signal });
  }

  /** Opens a watch on a collection (see the client's `watch`). */
  watch<T>(options: WatchOptions): Watch<T> {
    return watch<T>(this.#connection, options);
  }

  /**
   * POST a JSON body (a review) and return the parsed answer. Not retried: reviews are cheap to
   * ask again and the caller's cache decides. Non-2xx answers throw a `KubernetesApiError`.
   */
  async postJSON<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    if (this.#closed) throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', 'the cluster access was closed');
    const server = new URL(this.#connection.server);
    const requestPath = `${server.pathname.replace(/\/+$/, '')}${path}`;
    const url = `${server.origin}${requestPath}`;
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
    let status: number;
    let text: string;
    try {
      const auth = await this.#connection.authenticate();
      const response = await this.#agents.get(auth).request({
        origin: server.origin,
        path: requestPath,
        method: 'POST',
        headers: {
          ...auth.headers,
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': 'kubemetrics-apiserver',
        },
        body: JSON.stringify(body),
        signal: combined,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (error instanceof KubemetricsError) throw error;
      if (deadline.aborted && signal?.aborted !== true)
        throw new KubemetricsError(
          'KUBEMETRICS_ERR_TIMEOUT',
          `POST ${url} did not complete within ${this.#timeoutMs} ms`,
          { cause: error, hint: 'Is the Kubernetes API server overloaded or unreachable from this pod?' },
        );
      if (signal?.aborted === true)
        throw new KubemetricsError('KUBEMETRICS_ERR_ABORTED', `POST ${url} was aborted`, { cause: error });
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_NETWORK',
        `cannot reach the API server ${this.#connection.server} (POST ${url}): ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
          hint: 'Check the kubeconfig (or the in-cluster service account) the server runs with.',
        },
      );
    }
    if (status < 200 || status > 299) throw postError(status, text, url);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new KubemetricsError('KUBEMETRICS_ERR_DECODE', `POST ${url}: the answer is not JSON`, {
        cause: error,
      });
    }
  }

  /** Closes connections; later calls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([this.#transport.close(), this.#agents.close()]);
  }
}

function postError(code: number, text: string, url: string): KubernetesApiError {
  let status: Status | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isStatus(parsed)) status = parsed;
  } catch {
    // not JSON; quoted below
  }
  const reason = status?.reason || STATUS_REASON_BY_CODE[code] || 'Unknown';
  const detail = status?.message ?? text.trim().slice(0, 200);
  const hint =
    code === 403
      ? "The server's service account needs the ClusterRole system:auth-delegator (create tokenreviews and subjectaccessreviews): see deploy/metrics-apiserver/rbac.yaml."
      : code === 401
        ? "The server's own credentials were rejected: check its kubeconfig or service account token."
        : undefined;
  return new KubernetesApiError({
    status: code,
    reason,
    message: `POST ${url} failed: HTTP ${code} ${reason}${detail === '' ? '' : `: ${detail}`}`,
    url,
    hint,
    details: status?.details,
  });
}
