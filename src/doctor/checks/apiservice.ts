/**
 * Check 1: for each metrics API in scope, which APIService serves it, whether kube-apiserver
 * considers it Available (and why not), insecureSkipTLSVerify, the product behind it, and a group
 * held by another adapter than the one installed.
 */
import { availableCondition, type List, type Service } from '../../api/index.js';
import { apiServiceName } from '../apis.js';
import type { DoctorCheck } from '../check.js';
import type { Backend, DoctorContext } from '../context.js';
import { KUBEMETRICS, type Product } from '../products.js';
import { diagnoseUnavailable } from '../reasons.js';
import { ok, problem, warning, type CheckResult } from '../result.js';

const NAME = 'apiservice';

async function productOf(context: DoctorContext, backend: Backend): Promise<Product | undefined> {
  if (backend.serviceKey === undefined) return undefined;
  try {
    return (await context.serviceBackend(backend.serviceKey)).product;
  } catch {
    return undefined; // the service check reports why it cannot be read
  }
}

/** Our own Services (deploy/metrics-apiserver labels them), undefined when they cannot be listed. */
async function ourServices(context: DoctorContext): Promise<Service[] | undefined> {
  try {
    const list = await context.get<List<Service>>('/api/v1/services', {
      labelSelector: 'app.kubernetes.io/name=kubemetrics-apiserver',
    });
    return list.items;
  } catch {
    return undefined;
  }
}

function describeBackend(backend: Backend, product: Product | undefined): string {
  if (backend.serviceKey === undefined) return 'served by kube-apiserver itself (Local)';
  return `service ${backend.serviceKey}${product === undefined ? '' : ` (${product.name})`}`;
}

async function checkOne(context: DoctorContext, backend: Backend): Promise<CheckResult[]> {
  const { apiService } = backend;
  const name = apiService.metadata.name ?? '';
  const subject = `${NAME}/${name}`;
  const product = await productOf(context, backend);
  const where = describeBackend(backend, product);
  const condition = availableCondition(apiService);
  const results: CheckResult[] = [];
  const evidence = condition
    ? `APIService ${name} status.conditions[Available]: status=${condition.status} reason=${condition.reason ?? ''} message=${JSON.stringify(condition.message ?? '')}`
    : `APIService ${name} has no Available condition`;
  if (condition?.status === 'True') {
    results.push(ok(subject, `${name} is Available, ${where}`));
  } else if (condition?.status === 'False') {
    const { cause, fix } = diagnoseUnavailable(apiService, condition.reason ?? '', condition.message ?? '');
    results.push(
      problem(subject, `${name} is not available (${condition.reason ?? 'no reason'}), ${where}`, {
        cause,
        evidence,
        fix,
      }),
    );
  } else {
    results.push(
      warning(subject, `${name} has no Available=True condition yet, ${where}`, {
        cause:
          'kube-apiserver has not finished checking it (just created), or its availability controller is not running',
        evidence,
        fix: `Wait a few seconds and run doctor again; kubectl get apiservice ${name} -o yaml`,
      }),
    );
  }
  if (apiService.spec.insecureSkipTLSVerify === true) {
    results.push(
      warning(
        `${subject}/tls`,
        `${name} sets insecureSkipTLSVerify: kube-apiserver does not verify the adapter's certificate`,
        {
          cause:
            'anyone who can answer for the Service address can serve (and read) metrics API requests, which carry user identities',
          evidence: `APIService ${name} spec.insecureSkipTLSVerify: true`,
          fix: `Give the adapter a certificate for its Service name and set spec.caBundle instead: kubectl patch apiservice ${name} --type merge -p '{"spec":{"insecureSkipTLSVerify":false,"caBundle":"<base64 CA>"}}'`,
        },
      ),
    );
  }
  return results;
}

export const apiServiceCheck: DoctorCheck = {
  name: NAME,
  title:
    'which APIService serves each metrics API, its Available condition and reason, insecureSkipTLSVerify, the product behind it, groups held by another adapter',
  async run(context) {
    const backends = await context.backendsFor(NAME);
    if (!Array.isArray(backends)) return [backends];
    const results: CheckResult[] = [];
    const ours = await ourServices(context);
    for (const api of context.apis) {
      const served = backends.filter((b) => b.api === api);
      if (served.length === 0) {
        const names = api.versions.map((v) => apiServiceName(api.group, v)).join(', ');
        if (api.group === 'metrics.k8s.io' || context.options.explicitGroups) {
          results.push(
            problem(`${NAME}/${api.group}`, `no APIService serves ${api.group}`, {
              cause:
                api.group === 'metrics.k8s.io'
                  ? 'no resource metrics adapter (metrics-server) is installed: kubectl top and CPU/memory HPAs cannot work'
                  : `no adapter serving ${api.group} is installed: HPAs with ${api.doctorGroup === 'custom' ? 'Pods/Object' : 'External'} metrics cannot work`,
              evidence: `GET /apis/apiregistration.k8s.io/v1/apiservices: none of ${names}`,
              fix:
                api.group === 'metrics.k8s.io'
                  ? 'kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml'
                  : 'Install an adapter, e.g. kubemetrics: kubectl apply -k deploy/metrics-apiserver/',
            }),
          );
        } else {
          results.push(ok(`${NAME}/${api.group}`, `${api.group} is not installed (no APIService ${names})`));
        }
        continue;
      }
      for (const backend of served) results.push(...(await checkOne(context, backend)));
      // One group must be served by one adapter: versions split across services answer differently.
      const services = new Set(served.map((b) => b.serviceKey ?? 'Local'));
      if (services.size > 1) {
        results.push(
          problem(
            `${NAME}/${api.group}/split`,
            `the versions of ${api.group} are served by different services`,
            {
              cause:
                'two adapters each registered a version of the same group; clients get different metrics depending on the version they pick',
              evidence: served
                .map((b) => `${b.apiService.metadata.name ?? ''} -> ${b.serviceKey ?? 'Local'}`)
                .join('; '),
              fix: `Keep one adapter for ${api.group}: kubectl delete apiservice NAME for the versions of the other one.`,
            },
          ),
        );
      }
      if (api.group !== 'metrics.k8s.io' && ours !== undefined && ours.length > 0) {
        const held = await Promise.all(served.map(async (b) => [b, await productOf(context, b)] as const));
        for (const [b, product] of held) {
          if (product?.id === KUBEMETRICS.id) continue;
          const installed = ours
            .map((s) => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`)
            .join(', ');
          results.push(
            warning(
              `${NAME}/${b.apiService.metadata.name ?? ''}/held`,
              `${api.group} is held by ${product?.name ?? `service ${b.serviceKey ?? 'Local'}`}, not by the kubemetrics apiserver installed as ${installed}`,
              {
                cause:
                  'an APIService has one owner: the group was registered by another adapter, so the kubemetrics apiserver receives no requests for it',
                evidence: `APIService ${b.apiService.metadata.name ?? ''} spec.service: ${b.serviceKey ?? 'Local'}`,
                fix: `If kubemetrics should serve ${api.group}, apply its APIService (kubectl apply -f deploy/metrics-apiserver/apiservice.yaml) and remove the other adapter; otherwise drop ${api.group} from the kubemetrics configuration.`,
              },
            ),
          );
        }
      }
    }
    return results;
  },
};
