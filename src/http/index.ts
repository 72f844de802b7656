/**
 * Server-side HTTP plumbing both servers (the report service and the metrics API server) share:
 * connection and request limits, `Status` answers to Node's own parser errors, query-string
 * redaction for request logs, and rate-limited log lines. A layer of its own below both servers,
 * because neither may import the other and none of this is a Kubernetes client concern.
 */
export {
  DEFAULT_HTTP_SERVER_LIMITS,
  answerClientError,
  applyHttpServerLimits,
  httpServerOptions,
  listenBacklog,
  refuseRequestBody,
  resolveHttpServerLimits,
} from './http-limits.js';
export type { ClientRefusal, HttpServerLimits, ResolvedHttpServerLimits } from './http-limits.js';
export { REDACTED, isSensitiveParameter, redactRequestTarget } from './redact-query.js';
export { RateLimitedLog } from './rate-limited-log.js';
