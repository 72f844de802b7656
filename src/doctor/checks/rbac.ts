/**
 * Check 6: RBAC of the consumers. The HPA controller reads metrics with the verbs of its default
 * ClusterRole (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/controller_policy.go:
 * list pods.metrics.k8s.io, get/list custom.metrics.k8s.io and external.metrics.k8s.io) as the
 * service account kube-system/horizontal-pod-autoscaler (kube-controller-manager
 * --use-service-account-credentials, the kubeadm and managed default) or, where controllers share
 * one identity, as system:kube-controller-manager. The current user is asked with a
 * SelfSubjectAccessReview.
 */
import { serviceAccountUser, type ResourceAttributes } from '../../api/index.js';
import type { DoctorGroup } from '../apis.js';
import type { DoctorCheck } from '../check.js';
import { describeAccess, serviceAccountGroups, type DoctorContext } from '../context.js';
import { notChecked, ok, problem, warning, type CheckResult } from '../result.js';

const NAME = 'rbac';
const HPA_SA = serviceAccountUser('kube-system', 'horizontal-pod-autoscaler');
const KCM = 'system:kube-controller-manager';

/** The request the HPA controller makes per API (custom metrics: get `pods/<metric>` with name `*`). */
function hpaAttributes(group: DoctorGroup, namespace: string | undefined): ResourceAttributes {
  const ns = namespace === undefined ? {} : { namespace };
  switch (group) {
    case 'metrics':
      return { verb: 'list', group: 'metrics.k8s.io', resource: 'pods', ...ns };
    case 'custom':
      return {
        verb: 'get',
        group: 'custom.metrics.k8s.io',
        resource: 'pods',
        subresource: '*',
        name: '*',
        ...ns,
      };
    case 'external':
      return { verb: 'list', group: 'external.metrics.k8s.io', resource: '*', ...ns };
  }
}

async function hpaController(context: DoctorContext, group: DoctorGroup): Promise<CheckResult> {
  const subject = `${NAME}/hpa-controller/${group}`;
  const attributes = hpaAttributes(group, context.options.namespace);
  const access = describeAccess(attributes);
  try {
    const [sa, kcm] = await Promise.all([
      context.subjectCan(HPA_SA, serviceAccountGroups('kube-system'), attributes),
      context.subjectCan(KCM, ['system:authenticated'], attributes),
    ]);
    if (sa.allowed) return ok(subject, `the HPA controller (${HPA_SA}) may ${access}`);
    const evidence = `SubjectAccessReview as ${HPA_SA}: ${access} -> denied; as ${KCM}: ${kcm.allowed ? 'allowed' : 'denied'}`;
    const fix = `kubectl create clusterrolebinding hpa-${group}-metrics-reader --clusterrole=system:controller:horizontal-pod-autoscaler --serviceaccount=kube-system:horizontal-pod-autoscaler (or bind a ClusterRole granting ${access.split(' in namespace')[0]})`;
    if (kcm.allowed)
      return warning(subject, `only ${KCM} may ${access}; the HPA controller's service account may not`, {
        cause:
          'this works only if kube-controller-manager runs without --use-service-account-credentials (most clusters use the service account)',
        evidence,
        fix,
      });
    return problem(subject, `the HPA controller may not ${access}`, {
      cause:
        'HPAs using these metrics fail with FailedGetResourceMetric / FailedGetPodsMetric / FailedGetExternalMetric and a 403 in their events',
      evidence,
      fix,
    });
  } catch (error) {
    return notChecked(subject, `what the HPA controller may read from ${group} metrics`, error);
  }
}

async function currentUser(context: DoctorContext, group: DoctorGroup): Promise<CheckResult> {
  const subject = `${NAME}/current-user/${group}`;
  const attributes = hpaAttributes(group, context.options.namespace);
  const access = describeAccess(attributes);
  try {
    const self = await context.selfCan(attributes);
    if (self.allowed) return ok(subject, `you may ${access}`);
    return warning(subject, `you may not ${access}`, {
      cause: `kubectl top / kubectl get --raw on ${group} metrics fail with 403 for this user (doctor's own metric checks are then not-checked)`,
      evidence: `SelfSubjectAccessReview: ${access} -> denied${self.reason === undefined ? '' : ` (${self.reason})`}`,
      fix: `Ask for a role granting ${access.split(' in namespace')[0]} (the view ClusterRole aggregates metrics.k8s.io reads).`,
    });
  } catch (error) {
    return notChecked(subject, `what you may read from ${group} metrics`, error);
  }
}

export const rbacCheck: DoctorCheck = {
  name: NAME,
  title:
    "RBAC of the consumers: the HPA controller's identity may make its metrics calls (SubjectAccessReview), and so may you (SelfSubjectAccessReview)",
  async run(context) {
    const groups = context.apis.map((a) => a.doctorGroup);
    return Promise.all(groups.flatMap((g) => [hpaController(context, g), currentUser(context, g)]));
  },
};
