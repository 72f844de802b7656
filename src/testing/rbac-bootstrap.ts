/**
 * The few bootstrap RBAC objects of kube-apiserver that aggregated API servers and the HPA
 * controller depend on (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy:
 * policy.go `system:auth-delegator`, namespace_policy.go `extension-apiserver-authentication-reader`,
 * controller_policy.go `system:controller:horizontal-pod-autoscaler` and its binding). A test
 * cluster starts with them, as every real cluster does; tests remove them to break things.
 */
import type { Role, RoleBinding } from '../api/index.js';

const RBAC = 'rbac.authorization.k8s.io';
const bootstrap = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

export const AUTH_DELEGATOR = 'system:auth-delegator';
export const AUTH_READER = 'extension-apiserver-authentication-reader';
export const HPA_CONTROLLER_ROLE = 'system:controller:horizontal-pod-autoscaler';

export function bootstrapClusterRoles(): Role[] {
  return [
    {
      metadata: { name: AUTH_DELEGATOR, labels: bootstrap },
      rules: [
        { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
        { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'] },
      ],
    },
    {
      metadata: { name: HPA_CONTROLLER_ROLE, labels: bootstrap },
      rules: [
        {
          verbs: ['get', 'list', 'watch'],
          apiGroups: ['autoscaling'],
          resources: ['horizontalpodautoscalers'],
        },
        { verbs: ['update'], apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers/status'] },
        { verbs: ['get', 'update'], apiGroups: ['*'], resources: ['*/scale'] },
        { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
        { verbs: ['list'], apiGroups: ['metrics.k8s.io'], resources: ['pods'] },
        { verbs: ['get', 'list'], apiGroups: ['custom.metrics.k8s.io'], resources: ['*'] },
        { verbs: ['get', 'list'], apiGroups: ['external.metrics.k8s.io'], resources: ['*'] },
      ],
    },
  ];
}

export function bootstrapClusterRoleBindings(): RoleBinding[] {
  return [
    {
      metadata: { name: HPA_CONTROLLER_ROLE, labels: bootstrap },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: HPA_CONTROLLER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' }],
    },
  ];
}

export function bootstrapRoles(): Role[] {
  return [
    {
      metadata: { name: AUTH_READER, namespace: 'kube-system', labels: bootstrap },
      rules: [
        {
          verbs: ['get', 'list', 'watch'],
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: ['extension-apiserver-authentication'],
        },
      ],
    },
  ];
}
