/**
 * provider/: the provider contract (provider.ts) and what providers are written with — the
 * errors that choose a Status, group-qualified resources, the logger shape, the expiring cache —
 * plus the checks the server runs on what providers return.
 */
export type * from './provider.js';
export { answerForError, describeThrown, ProviderUnavailableError, StatusError } from './status-error.js';
export type { ProviderUnavailableErrorOptions, StatusErrorOptions } from './status-error.js';
export { formatGroupResource, objectKindFor, parseGroupResource } from './group-resource.js';
export type { ObjectKind } from './group-resource.js';
export { SILENT_LOGGER } from './logger.js';
export type { LogMethod, Logger } from './logger.js';
export { TtlCache } from './ttl-cache.js';
export type { TtlCacheOptions } from './ttl-cache.js';
