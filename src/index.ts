/**
 * kubemetrics: the root export re-exports the stable building blocks. Each part is also a subpath
 * export (`kubemetrics/quantity`, `kubemetrics/client`, ...) so users load only what they import.
 */
export * from './errors.js';
export * from './quantity/index.js';
