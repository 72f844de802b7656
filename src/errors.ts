/**
 * The one error base class of kubemetrics. Every error the library throws on purpose is a
 * {@link KubemetricsError} with a stable `code` from {@link ERROR_CODES}, so callers can branch on
 * the code instead of parsing messages, and the CLI can print `message` + `hint` without a stack.
 */

/** Every stable error code with a one-line meaning. docs/errors.md lists the same table (a test checks). */
export const ERROR_CODES = {
  KUBEMETRICS_ERR_QUANTITY:
    'A string is not a valid Kubernetes quantity, or a quantity operation is invalid.',
  KUBEMETRICS_ERR_SELECTOR: 'A label or field selector does not parse.',
  KUBEMETRICS_ERR_ARGUMENT: 'A function or command was called with an invalid argument.',
  KUBEMETRICS_ERR_CONFIG: 'Credentials or configuration (kubeconfig, context, files) could not be loaded.',
  KUBEMETRICS_ERR_API:
    'The Kubernetes API answered with an error Status (HTTP status, reason and a hint attached).',
  KUBEMETRICS_ERR_NETWORK: 'The API server could not be reached (connection refused, reset, DNS, TLS).',
  KUBEMETRICS_ERR_TIMEOUT: 'A request took longer than its timeout.',
  KUBEMETRICS_ERR_ABORTED: 'A request was cancelled through its AbortSignal.',
  KUBEMETRICS_ERR_DECODE: 'A response or file is not the JSON/YAML shape that was expected.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface KubemetricsErrorOptions {
  /** What the user can do about it: a command to run, a flag to set, an RBAC rule to add. */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

export class KubemetricsError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: KubemetricsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KubemetricsError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** True for any error kubemetrics threw on purpose (as opposed to a bug or a foreign error). */
export function isKubemetricsError(error: unknown): error is KubemetricsError {
  return error instanceof KubemetricsError;
}
