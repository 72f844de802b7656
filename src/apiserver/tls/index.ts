/** tls/: the serving certificate — from files (reloaded), from PEM, or generated with its CA. */
export { generateServingCertificate, servingHosts } from './serving-certificate.js';
export type { ServingCertificate, ServingCertificateOptions } from './serving-certificate.js';
export { ServingTls } from './serving-tls.js';
export type { ServingTlsOptions } from './serving-tls.js';
