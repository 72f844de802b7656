/**
 * rbac.authorization.k8s.io/v1 roles and bindings, and the authorization.k8s.io/v1 access reviews
 * that ask the API server what they allow.
 */
import type { ObjectMeta, TypeMeta } from './meta.js';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Role extends TypeMeta {
  metadata: ObjectMeta;
  rules?: PolicyRule[];
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** A RoleBinding or ClusterRoleBinding (a ClusterRoleBinding has no namespace). */
export interface RoleBinding extends TypeMeta {
  metadata: ObjectMeta;
  roleRef: RoleRef;
  subjects?: Subject[];
}

export interface ResourceAttributes {
  namespace?: string;
  verb: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface AccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** The user name of a service account, as tokens and RBAC subjects spell it. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
