/**
 * Check 5: discovery through the API server — `GET /apis/<group>/<version>` answers and lists
 * resources (for custom and external metrics: how many metrics), as kubectl and the HPA
 * controller's clients see it.
 */
import type { APIResourceList } from '../../api/index.js';
import { isKubernetesApiError } from '../../client/index.js';
import type { DoctorCheck } from '../check.js';
import type { Backend } from '../context.js';
import { describeError, notChecked, ok, problem, warning, type CheckResult } from '../result.js';

const NAME = 'discovery';

function failure(subject: string, path: string, backend: Backend, error: unknown): CheckResult {
  const name = backend.apiService.metadata.name ?? '';
  const evidence = `GET ${path}: ${describeError(error)}`;
  if (isKubernetesApiError(error, 503))
    return problem(subject, `${path} fails: the server is currently unable to handle the request`, {
      cause: `kube-apiserver cannot reach the adapter behind APIService ${name}`,
      evidence,
      fix: `See the apiservice, service and certificate results for ${name}.`,
    });
  if (isKubernetesApiError(error, 401))
    return problem(
      subject,
      `${path} fails: the adapter does not accept kube-apiserver's forwarded requests (401)`,
      {
        cause:
          "the adapter does not trust kube-apiserver's proxy client certificate: requestheader-client-ca-file is missing or another CA, or its CN is not in requestheader-allowed-names",
        evidence,
        fix: 'Check the front-proxy results; the adapter must read kube-system/extension-apiserver-authentication and kube-apiserver must run with --proxy-client-cert-file signed by --requestheader-client-ca-file.',
      },
    );
  if (isKubernetesApiError(error, 404))
    return problem(subject, `${path} is not served`, {
      cause: `the adapter behind ${name} does not serve this group/version`,
      evidence,
      fix: `Check the adapter's configuration, or delete the APIService: kubectl delete apiservice ${name}`,
    });
  return notChecked(subject, `discovery of ${path}`, error);
}

export const discoveryCheck: DoctorCheck = {
  name: NAME,
  title:
    'discovery through the API server: /apis/<group>/<version> answers and lists resources (custom and external: how many metrics)',
  async run(context) {
    const backends = await context.backendsFor(NAME);
    if (!Array.isArray(backends)) return [backends];
    if (backends.length === 0) return [ok(NAME, 'no metrics API in scope is registered')];
    return Promise.all(
      backends.map(async (backend): Promise<CheckResult> => {
        const { group = '', version = '' } = backend.apiService.spec;
        const path = `/apis/${group}/${version}`;
        const subject = `${NAME}/${group}/${version}`;
        try {
          const list = await context.get<APIResourceList>(path);
          const resources = (list.resources ?? []).filter(
            (r) => !r.name.includes('/') || backend.api.doctorGroup !== 'metrics',
          );
          if (backend.api.doctorGroup === 'metrics')
            return ok(subject, `${path} lists ${resources.map((r) => r.name).join(', ') || 'nothing'}`);
          const metrics = resources.length;
          if (metrics === 0)
            return warning(subject, `${path} answers but lists no metrics`, {
              cause:
                'the adapter serves no metric: its rules match no series, or its backend (e.g. Prometheus) is down or has no data yet',
              evidence: `GET ${path}: 0 resources`,
              fix: "Check the adapter's rules and logs (for kubemetrics: kubemetrics apiserver explain).",
            });
          return ok(subject, `${path} lists ${metrics} metric(s)`);
        } catch (error) {
          return failure(subject, path, backend, error);
        }
      }),
    );
  },
};
