/**
 * discovery/: which groups and versions the providers enable, and the discovery documents
 * (`/api`, `/apis`, `/apis/<group>[/<version>]`, plain or aggregated by `Accept`).
 */
export { answerDiscovery } from './discovery-handler.js';
export { isServed, servedGroups } from './discovery.js';
export type { ServedGroup } from './discovery.js';
export { negotiateDiscovery } from './media-type.js';
