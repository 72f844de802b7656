/** openapi/: the OpenAPI v2 and v3 documents of the served groups, and serving them by hash. */
export { answerOpenApi } from './openapi-handler.js';
export { buildOpenApiDocuments } from './openapi.js';
export type { OpenApiDocument, OpenApiDocuments } from './openapi.js';
