/**
 * config/: the `kubemetrics apiserver` configuration file (validated in one pass), the field
 * checker providers validate their own sections with, and the file watcher behind reloads.
 */
export { ConfigFields, describeConfigValue, didYouMean, readYamlFile } from './config-fields.js';
export { watchFiles } from './file-watcher.js';
export type { FileWatch, FileWatchOptions } from './file-watcher.js';
export { needsCluster, parseServerConfig, PROVIDER_APIS, SERVER_CONFIG_DEFAULTS } from './server-config.js';
export type { ProviderApi, ProviderConfig, ProviderConfigType, ServerConfig } from './server-config.js';
