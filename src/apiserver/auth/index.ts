/**
 * auth/: the authenticate and authorize stages — the hook types (auth.ts), delegated
 * authentication (front proxy, client certificates, TokenReview, the
 * `extension-apiserver-authentication` ConfigMap), delegated authorization (SubjectAccessReview)
 * and the cluster access they call back with.
 */
export type {
  AuthorizationDecision,
  Authenticator,
  Authorizer,
  RequestAttributes,
  UserInfo,
} from './auth.js';
export { DelegatingAuthentication } from './authentication.js';
export type { AuthenticationOptions, RequestHeaderOptions } from './authentication.js';
export { createAuthorizer, DEFAULT_ALWAYS_ALLOW_GROUPS } from './authorization.js';
export type { AuthorizationMode, AuthorizationOptions } from './authorization.js';
export {
  CertificateBundle,
  MAX_CHAIN_DEPTH,
  peerCertificateChain,
  verifyClientChain,
} from './client-certificate.js';
export type { ChainVerification } from './client-certificate.js';
export { ClusterAccess } from './cluster-access.js';
export type { ClusterAccessOptions } from './cluster-access.js';
export type { SubjectAccessReviewOptions } from './subject-access-review.js';
export type { TokenReviewOptions } from './token-review.js';
