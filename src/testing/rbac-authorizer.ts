/**
 * RBAC as kube-apiserver evaluates it (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac
 * rbac.go and rbac/v1 evaluation_helpers.go): a request is allowed when some binding whose
 * subjects include the user grants a rule matching it. ClusterRoleBindings grant everywhere,
 * RoleBindings only in their own namespace. The test cluster consults this next to its users'
 * allow rules, so tests can set up (or leave out) the bindings a real cluster has.
 */
import type { PolicyRule, Role, RoleBinding, Subject } from '../api/index.js';
import { serviceAccountUser } from '../api/index.js';
import type { UserInfo } from './auth.js';
import type { RequestInfo } from './request-info.js';
import type { RbacStores } from './resources-rbac.js';

function subjectMatches(subject: Subject, user: UserInfo): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount':
      return serviceAccountUser(subject.namespace ?? '', subject.name) === user.name;
    default:
      return false;
  }
}

const has = (list: readonly string[] | undefined, value: string): boolean =>
  list !== undefined && (list.includes('*') || list.includes(value));

/** rbac/v1 ResourceMatches: `*`, the exact `resource/subresource`, or `*\/subresource`. */
function resourceMatches(rule: PolicyRule, info: RequestInfo): boolean {
  const combined = info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
  return (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (info.subresource !== '' && r === `*/${info.subresource}`),
  );
}

/** rbac/v1 RuleAllows for one request. */
export function ruleAllows(rule: PolicyRule, info: RequestInfo): boolean {
  if (!has(rule.verbs, info.verb)) return false;
  if (!info.isResourceRequest) {
    return (rule.nonResourceURLs ?? []).some((u) =>
      u.endsWith('*') ? info.path.startsWith(u.slice(0, -1)) : u === info.path,
    );
  }
  if (!has(rule.apiGroups, info.apiGroup) || !resourceMatches(rule, info)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(info.name);
}

function rulesOf(stores: RbacStores, binding: RoleBinding, namespace: string): readonly PolicyRule[] {
  const role: Role | undefined =
    binding.roleRef.kind === 'ClusterRole'
      ? stores.clusterRoles.get('', binding.roleRef.name)?.object
      : stores.roles.get(namespace, binding.roleRef.name)?.object;
  return role?.rules ?? [];
}

/** True when some RBAC binding of the cluster allows `user` what `info` describes. */
export function rbacAllows(stores: RbacStores, user: UserInfo, info: RequestInfo): boolean {
  const grants = (binding: RoleBinding, namespace: string) =>
    (binding.subjects ?? []).some((s) => subjectMatches(s, user)) &&
    rulesOf(stores, binding, namespace).some((rule) => ruleAllows(rule, info));
  if (stores.clusterRoleBindings.all().some((b) => grants(b.object, ''))) return true;
  if (!info.isResourceRequest || info.namespace === '') return false;
  return stores.roleBindings
    .all()
    .some((b) => b.object.metadata.namespace === info.namespace && grants(b.object, info.namespace));
}
