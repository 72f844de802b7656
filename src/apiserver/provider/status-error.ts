/**
 * Errors providers and auth hooks throw to choose the Status the client gets, and the one mapping
 * from any thrown value to a Kubernetes `Status` (apimachinery `errors.StatusError` semantics:
 * reason and code travel together).
 */
import { failureStatus, SelectorError } from '../../api/index.js';
import type { Status, StatusDetails } from '../../api/index.js';
import { KubemetricsError } from '../../errors.js';

export interface StatusErrorOptions {
  /** Defaults to the reason Kubernetes uses for `code` (404 → NotFound, 403 → Forbidden…). */
  readonly reason?: string | undefined;
  readonly details?: StatusDetails | undefined;
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/**
 * Answers the request with a specific `Status`: throw it from a provider or an auth hook, e.g.
 * `throw new StatusError(400, 'metric selector "x>1" is not supported by Prometheus')`.
 */
export class StatusError extends KubemetricsError {
  /** The Status sent to the client; `status.code` is the HTTP status. */
  readonly status: Status;

  constructor(code: number, message: string, options: StatusErrorOptions = {}) {
    super('KUBEMETRICS_ERR_API', message, { hint: options.hint, cause: options.cause });
    this.name = 'StatusError';
    this.status = failureStatus(code, message, options.details, options.reason);
  }
}

export interface ProviderUnavailableErrorOptions {
  /** Sent as `Retry-After` and `details.retryAfterSeconds`. */
  readonly retryAfterSeconds?: number | undefined;
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/**
 * The provider's backend (Prometheus, a database, a cloud API) cannot be reached right now. The
 * client gets 503 ServiceUnavailable, which the HPA and kubectl treat as transient.
 */
export class ProviderUnavailableError extends KubemetricsError {
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: ProviderUnavailableErrorOptions = {}) {
    super('KUBEMETRICS_ERR_NETWORK', message, { hint: options.hint, cause: options.cause });
    this.name = 'ProviderUnavailableError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** How a thrown value is answered, and whether it is the server's fault (logged as an error). */
export interface ErrorAnswer {
  readonly status: Status;
  /** True for 5xx answers caused by a bug or a failing provider. */
  readonly serverFault: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

/** A short description of any thrown value, safe for non-Error throws (`throw 'x'`, `throw null`). */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    const text = JSON.stringify(error);
    if (typeof text === 'string') return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    // fall through: cyclic objects, BigInt…
  }
  return String(typeof error);
}

/**
 * Maps anything thrown while answering a request to the Status the client gets:
 * `StatusError` → its Status; `SelectorError` → 400 BadRequest; `ProviderUnavailableError` → 503
 * ServiceUnavailable; everything else (including non-Error values) → 500 InternalError with the
 * message kube-apiserver uses (`Internal error occurred: …`).
 *
 * With a `requestId` (the server answering a client) the 500 message is generic and names only
 * that id: an unexpected error's text carries internal details (the API server's URL and paths
 * when a SubjectAccessReview cannot be sent, backend hostnames, values a provider returned) that a
 * client must not see. The server logs the real message under the same id. Without one (a tool
 * such as `explain`, run by the operator) the message is kept.
 */
export function answerForError(error: unknown, requestId?: string): ErrorAnswer {
  if (error instanceof StatusError) {
    return { status: error.status, serverFault: error.status.code >= 500, headers: {} };
  }
  if (error instanceof SelectorError) {
    return { status: failureStatus(400, error.message), serverFault: false, headers: {} };
  }
  if (error instanceof ProviderUnavailableError) {
    const retry = error.retryAfterSeconds;
    const valid = retry !== undefined && Number.isInteger(retry) && retry > 0;
    const status = failureStatus(
      503,
      `the server is currently unable to handle the request: ${error.message}`,
      valid ? { retryAfterSeconds: retry } : undefined,
    );
    return { status, serverFault: true, headers: valid ? { 'Retry-After': String(retry) } : {} };
  }
  const message =
    requestId === undefined
      ? describeThrown(error)
      : `the request failed; the server log has the cause under request id ${requestId}`;
  return {
    status: failureStatus(500, `Internal error occurred: ${message}`),
    serverFault: true,
    headers: {},
  };
}
