/** lifecycle/: start/stop (HTTPS, TLS reload) and listen/close (HTTP), through one listen path. */
export { createLifecycle } from './lifecycle.js';
export type { Lifecycle, LifecycleOptions, ListenOptions, StartedServer } from './lifecycle.js';
