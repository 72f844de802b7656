/**
 * listers/: label selectors resolved to object names — the {@link ObjectLister} contract, a
 * static one for tests and small setups, and the informer-backed one the server starts and stops.
 */
export { ClusterObjectLister } from './cluster-object-lister.js';
export type { ClusterObjectListerOptions, ListedResource } from './cluster-object-lister.js';
export { StaticObjectLister } from './object-lister.js';
export type { ListedObject, ObjectLister, StaticObject } from './object-lister.js';
export { isStartable } from './startable.js';
export type { Startable, StartableStats } from './startable.js';
