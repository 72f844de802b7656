/**
 * Check 2: the Service behind each APIService exists, has the port the APIService dials, and has
 * ready endpoints (EndpointSlices) whose pods are ready.
 */
import { apiServicePort, endpointReady, type Pod } from '../../api/index.js';
import type { DoctorCheck } from '../check.js';
import type { Backend, DoctorContext, ServiceBackend } from '../context.js';
import { notChecked, ok, problem, warning, type CheckResult } from '../result.js';

const NAME = 'service';

/** Why a pod is not ready, from its conditions and container states. */
function podTrouble(pod: Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const waiting = statuses
    .map((c) => {
      const state = (c as { state?: { waiting?: { reason?: string } } }).state;
      return state?.waiting?.reason === undefined ? undefined : `${c.name}: ${state.waiting.reason}`;
    })
    .filter((w): w is string => w !== undefined);
  if (waiting.length > 0) return waiting.join(', ');
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready') as
    { status: string; reason?: string } | undefined;
  return ready === undefined
    ? `phase ${pod.status?.phase ?? 'unknown'}`
    : `Ready=${ready.status}${ready.reason === undefined ? '' : ` (${ready.reason})`}`;
}

function checkService(backend: ServiceBackend, users: readonly Backend[]): CheckResult[] {
  const key = `${backend.namespace}/${backend.name}`;
  const subject = `${NAME}/${key}`;
  const apiServices = users.map((u) => u.apiService.metadata.name ?? '').join(', ');
  const { service } = backend;
  if (service === undefined) {
    return [
      problem(subject, `service ${key} does not exist`, {
        cause: `${apiServices} point to it, so kube-apiserver has nowhere to send their requests (ServiceNotFound)`,
        evidence: `GET /api/v1/namespaces/${backend.namespace}/services/${backend.name}: 404 NotFound`,
        fix: `Install the adapter, or fix spec.service of ${apiServices}.`,
      }),
    ];
  }
  const results: CheckResult[] = [];
  const ports = service.spec.ports ?? [];
  for (const user of users) {
    const port = apiServicePort(user.apiService.spec.service ?? {});
    if (!ports.some((p) => p.port === port)) {
      const name = user.apiService.metadata.name ?? '';
      results.push(
        problem(
          `${subject}/port`,
          `APIService ${name} dials port ${port}, but service ${key} has no such port`,
          {
            cause: 'the APIService and the Service disagree on the port (ServicePortError)',
            evidence: `APIService ${name} spec.service.port=${port}; Service ${key} spec.ports: ${ports.map((p) => `${p.name ?? ''}:${p.port}`).join(', ') || 'none'}`,
            fix: `kubectl patch apiservice ${name} --type merge -p '{"spec":{"service":{"port":${ports[0]?.port ?? 443}}}}' (or change the Service port to ${port})`,
          },
        ),
      );
    }
  }
  const endpoints = backend.slices.flatMap((s) => s.endpoints);
  const ready = endpoints.filter(endpointReady);
  const selector = Object.entries(service.spec.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  if (endpoints.length === 0) {
    results.push(
      problem(`${subject}/endpoints`, `service ${key} has no endpoints`, {
        cause: `its selector ${selector || '(none)'} matches no pods, or the adapter is not running`,
        evidence: `GET /apis/discovery.k8s.io/v1/namespaces/${backend.namespace}/endpointslices?labelSelector=kubernetes.io/service-name=${backend.name}: no endpoints`,
        fix: `kubectl -n ${backend.namespace} get pods -l '${selector}'; compare the Service selector with the adapter's pod labels.`,
      }),
    );
    return results;
  }
  const unready = endpoints.filter((e) => !endpointReady(e));
  const podByName = new Map(backend.pods.map((p) => [p.metadata.name ?? '', p]));
  const unreadyPods = unready.map((e) => {
    const name = e.targetRef?.name ?? e.addresses[0] ?? '?';
    const pod = podByName.get(e.targetRef?.name ?? '');
    return pod === undefined ? name : `${name} (${podTrouble(pod)})`;
  });
  if (ready.length === 0) {
    results.push(
      problem(`${subject}/endpoints`, `service ${key} has no ready endpoints (0 of ${endpoints.length})`, {
        cause:
          'the adapter pods are not ready, so kube-apiserver answers 503 for the metrics API (MissingEndpoints)',
        evidence: `not ready: ${unreadyPods.join('; ')}`,
        fix: `kubectl -n ${backend.namespace} describe pod ${unready[0]?.targetRef?.name ?? 'POD'}; kubectl -n ${backend.namespace} logs ${unready[0]?.targetRef?.name ?? 'POD'}`,
      }),
    );
  } else if (unready.length > 0) {
    results.push(
      warning(
        `${subject}/endpoints`,
        `service ${key}: ${unready.length} of ${endpoints.length} endpoints not ready`,
        {
          cause: 'some adapter replicas are not ready: requests still work, with less redundancy',
          evidence: `not ready: ${unreadyPods.join('; ')}`,
          fix: `kubectl -n ${backend.namespace} describe pod ${unready[0]?.targetRef?.name ?? 'POD'}`,
        },
      ),
    );
  } else if (results.length === 0) {
    const names = ready.map((e) => e.targetRef?.name ?? e.addresses[0] ?? '?');
    results.push(
      ok(subject, `service ${key}: port matches, ${ready.length} ready endpoint(s): ${names.join(', ')}`),
    );
  }
  return results;
}

export const serviceCheck: DoctorCheck = {
  name: NAME,
  title:
    'the Service exists, its port matches the APIService, it has ready endpoints (EndpointSlices) and ready pods',
  async run(context: DoctorContext) {
    const backends = await context.backendsFor(NAME);
    if (!Array.isArray(backends)) return [backends];
    const byService = new Map<string, Backend[]>();
    for (const b of backends) {
      if (b.serviceKey !== undefined)
        byService.set(b.serviceKey, [...(byService.get(b.serviceKey) ?? []), b]);
    }
    if (byService.size === 0) return [ok(NAME, 'no APIService in scope is backed by a Service')];
    const results = await Promise.all(
      [...byService].map(async ([key, users]) => {
        try {
          return checkService(await context.serviceBackend(key), users);
        } catch (error) {
          return [notChecked(`${NAME}/${key}`, `service ${key}`, error)];
        }
      }),
    );
    return results.flat();
  },
};
