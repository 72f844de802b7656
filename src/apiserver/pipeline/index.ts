/**
 * pipeline/: what every request goes through — request id, authenticate, authorize, route
 * (route.ts parses, router.ts dispatches), the handler, encode — and the abort reasons that end it.
 */
export { callAbortable, ClientDisconnectedError, RequestTimeoutError } from './abortable.js';
export { sendAnswer } from './encode.js';
export { createRequestPipeline } from './request-pipeline.js';
export type { PipelineOptions } from './request-pipeline.js';
export { parseRoute } from './route.js';
export type { Route, RouteMatch, RouteResult } from './route.js';
export { createRouter } from './router.js';
export type { DebugHandler, Router, RouterTables } from './router.js';
