/**
 * Check 4: front-proxy trust. kube-apiserver publishes its front proxy's CA and allowed names in
 * `kube-system/extension-apiserver-authentication` (pkg/controlplane/controller/
 * clusterauthenticationtrust); each adapter's service account must read it (RoleBinding to
 * `extension-apiserver-authentication-reader`) and create TokenReviews and SubjectAccessReviews
 * (ClusterRoleBinding to `system:auth-delegator`), or it rejects forwarded requests.
 */
import type { ResourceAttributes } from '../../api/index.js';
import { serviceAccountUser } from '../../api/index.js';
import type { DoctorCheck } from '../check.js';
import { describeAccess, serviceAccountGroups, type DoctorContext } from '../context.js';
import { notChecked, ok, problem, type CheckResult } from '../result.js';

const NAME = 'front-proxy';
const CONFIG_MAP = '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication';

async function configMapResult(context: DoctorContext): Promise<CheckResult> {
  const subject = `${NAME}/configmap`;
  try {
    const cm = await context.find<{ data?: Record<string, string> }>(CONFIG_MAP);
    const aggregationFlags =
      'start kube-apiserver with --requestheader-client-ca-file, --requestheader-allowed-names=front-proxy-client, --requestheader-username-headers=X-Remote-User, --requestheader-group-headers=X-Remote-Group, --requestheader-extra-headers-prefix=X-Remote-Extra-, --proxy-client-cert-file and --proxy-client-key-file (kubeadm sets them)';
    if (cm === undefined) {
      return problem(subject, 'kube-system/extension-apiserver-authentication does not exist', {
        cause:
          'kube-apiserver does not publish how aggregated servers should authenticate it: adapters cannot start or reject every request',
        evidence: `GET ${CONFIG_MAP}: 404 NotFound`,
        fix: aggregationFlags,
      });
    }
    const ca = cm.data?.['requestheader-client-ca-file'];
    if (ca === undefined || ca.trim() === '') {
      return problem(subject, 'extension-apiserver-authentication has no requestheader-client-ca-file', {
        cause:
          'kube-apiserver runs without front-proxy settings, so adapters cannot trust the requests it forwards (401 Unauthorized on every metrics request)',
        evidence: `ConfigMap kube-system/extension-apiserver-authentication keys: ${Object.keys(cm.data ?? {}).join(', ') || 'none'}`,
        fix: aggregationFlags,
      });
    }
    const names = cm.data?.['requestheader-allowed-names'] ?? '[]';
    return ok(
      subject,
      `extension-apiserver-authentication has the front-proxy CA and allowed names ${names === '[]' || names === '' ? '(any name signed by the CA)' : names}`,
    );
  } catch (error) {
    return notChecked(subject, 'kube-system/extension-apiserver-authentication', error);
  }
}

const AUTH_READER: ResourceAttributes = {
  verb: 'get',
  group: '',
  resource: 'configmaps',
  namespace: 'kube-system',
  name: 'extension-apiserver-authentication',
};
const TOKEN_REVIEWS: ResourceAttributes = {
  verb: 'create',
  group: 'authentication.k8s.io',
  resource: 'tokenreviews',
};
const ACCESS_REVIEWS: ResourceAttributes = {
  verb: 'create',
  group: 'authorization.k8s.io',
  resource: 'subjectaccessreviews',
};

async function serviceAccountResults(
  context: DoctorContext,
  namespace: string,
  account: string,
): Promise<CheckResult[]> {
  const user = serviceAccountUser(namespace, account);
  const groups = serviceAccountGroups(namespace);
  const subject = `${NAME}/${namespace}/${account}`;
  try {
    const [reader, tokens, reviews] = await Promise.all(
      [AUTH_READER, TOKEN_REVIEWS, ACCESS_REVIEWS].map((a) => context.subjectCan(user, groups, a)),
    );
    const results: CheckResult[] = [];
    if (reader?.allowed !== true) {
      results.push(
        problem(
          `${subject}/auth-reader`,
          `service account ${namespace}/${account} cannot read extension-apiserver-authentication`,
          {
            cause:
              'the adapter cannot load the front-proxy CA, so it fails to start or rejects requests forwarded by kube-apiserver',
            evidence: `SubjectAccessReview as ${user}: ${describeAccess(AUTH_READER)} -> denied${reader?.reason === undefined ? '' : ` (${reader.reason})`}`,
            fix: `kubectl -n kube-system create rolebinding ${account}-auth-reader --role=extension-apiserver-authentication-reader --serviceaccount=${namespace}:${account}`,
          },
        ),
      );
    }
    const denied = [
      [TOKEN_REVIEWS, tokens],
      [ACCESS_REVIEWS, reviews],
    ].filter(([, s]) => s === undefined || !(s as { allowed: boolean }).allowed);
    if (denied.length > 0) {
      results.push(
        problem(
          `${subject}/auth-delegator`,
          `service account ${namespace}/${account} cannot create TokenReviews/SubjectAccessReviews`,
          {
            cause:
              'without system:auth-delegator the adapter cannot authenticate bearer tokens nor authorize users: requests fail with 401/403',
            evidence: denied
              .map(
                ([a]) =>
                  `SubjectAccessReview as ${user}: ${describeAccess(a as ResourceAttributes)} -> denied`,
              )
              .join('; '),
            fix: `kubectl create clusterrolebinding ${account}:system:auth-delegator --clusterrole=system:auth-delegator --serviceaccount=${namespace}:${account}`,
          },
        ),
      );
    }
    if (results.length === 0)
      results.push(
        ok(
          subject,
          `service account ${namespace}/${account} may read the front-proxy settings and delegate authentication and authorization`,
        ),
      );
    return results;
  } catch (error) {
    return [notChecked(subject, `the RBAC of service account ${namespace}/${account}`, error)];
  }
}

export const frontProxyCheck: DoctorCheck = {
  name: NAME,
  title:
    'the front-proxy CA in kube-system/extension-apiserver-authentication, and each adapter service account bound to extension-apiserver-authentication-reader and system:auth-delegator',
  async run(context) {
    let keys: string[];
    try {
      keys = [
        ...new Set(
          (await context.backends()).flatMap((b) => (b.serviceKey === undefined ? [] : [b.serviceKey])),
        ),
      ];
    } catch (error) {
      return [await configMapResult(context), notChecked(NAME, 'the APIServices', error)];
    }
    // Front-proxy trust matters only between kube-apiserver and an aggregated server.
    if (keys.length === 0) return [ok(NAME, 'no metrics API in scope is served by an aggregated server')];
    const results: CheckResult[] = [await configMapResult(context)];
    const accounts = new Set<string>();
    for (const key of keys) {
      try {
        const backend = await context.serviceBackend(key);
        for (const pod of backend.pods)
          accounts.add(
            `${pod.metadata.namespace ?? backend.namespace}/${pod.spec.serviceAccountName ?? 'default'}`,
          );
        if (backend.pods.length === 0 && backend.service !== undefined)
          results.push({
            name: `${NAME}/${key}`,
            status: 'not-checked',
            summary: `could not check the service account of ${key}: no pod behind it could be read`,
          });
      } catch (error) {
        results.push(notChecked(`${NAME}/${key}`, `the pods of service ${key}`, error));
      }
    }
    for (const account of accounts) {
      const [namespace = '', name = ''] = account.split('/');
      results.push(...(await serviceAccountResults(context, namespace, name)));
    }
    return results;
  },
};
