/**
 * x509: certificates written with node:crypto alone (certificate.ts) over a minimal DER writer
 * (der.ts). A layer of its own below `apiserver` (the generated serving certificate) and `testing`
 * (the test cluster's CA, server and client certificates), so both use one writer.
 */
export { distinguishedName, issueCertificate, newCertificateKey, splitHosts } from './certificate.js';
export type { CertificateKey, CertificateRequest, Issuer } from './certificate.js';
