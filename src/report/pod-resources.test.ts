// Vectors marked "helpers_test.go" come from kubernetes/kubernetes
// staging/src/k8s.io/component-helpers/resource/helpers_test.go (case names quoted); the rest are ours.
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../quantity/index.js';
import {
  effectivePodLimits,
  effectivePodRequests,
  isPodLevelRequestsSet,
  isPodLevelResourcesSet,
  isSupportedPodLevelResource,
  type ContainerKind,
  type ContainerResources,
  type PodResourceInput,
} from './pod-resources.js';
import type { ResourceAmounts } from './resource-amounts.js';

type Raw = Record<string, string>;

function amounts(raw: Raw | undefined): ResourceAmounts {
  const out: Record<string, bigint> = {};
  for (const [name, value] of Object.entries(raw ?? {})) out[name] = parseQuantity(value).nanos;
  return out;
}

function c(kind: ContainerKind, requests?: Raw, limits?: Raw, name: string = kind): ContainerResources {
  return { name, kind, requests: amounts(requests), limits: amounts(limits) };
}

interface Case {
  name: string;
  containers?: ContainerResources[];
  podLevel?: { requests?: Raw; limits?: Raw };
  overhead?: Raw;
  requests?: Raw;
  limits?: Raw;
}

function input(tc: Case): PodResourceInput {
  return {
    containers: tc.containers ?? [],
    podLevel:
      tc.podLevel === undefined
        ? undefined
        : { requests: amounts(tc.podLevel.requests), limits: amounts(tc.podLevel.limits) },
    overhead: tc.overhead === undefined ? undefined : amounts(tc.overhead),
  };
}

const cases: Case[] = [
  // TestPodRequestsAndLimits (helpers_test.go): one container from getPod plus overhead.
  {
    name: "helpers_test.go 'just-limit-no-overhead'",
    containers: [c('container', undefined, { cpu: '9' })],
    requests: {},
    limits: { cpu: '9' },
  },
  {
    name: "helpers_test.go 'just-overhead'",
    containers: [c('container')],
    overhead: { cpu: '5', memory: '5' },
    requests: { cpu: '5', memory: '5' },
    limits: {},
  },
  {
    name: "helpers_test.go 'req-and-overhead'",
    containers: [c('container', { cpu: '1', memory: '10' })],
    overhead: { cpu: '5', memory: '5' },
    requests: { cpu: '6', memory: '15' },
    limits: {},
  },
  {
    name: "helpers_test.go 'all-req-lim-and-overhead'",
    containers: [c('container', { cpu: '1', memory: '10' }, { cpu: '2', memory: '12' })],
    overhead: { cpu: '5', memory: '5' },
    requests: { cpu: '6', memory: '15' },
    limits: { cpu: '7', memory: '17' },
  },
  {
    name: "helpers_test.go 'req-some-lim-and-overhead'",
    containers: [c('container', { cpu: '1', memory: '10' }, { cpu: '2' })],
    overhead: { cpu: '5', memory: '5' },
    requests: { cpu: '6', memory: '15' },
    limits: { cpu: '7' },
  },
  // TestPodRequestsAndLimitsWithoutOverhead (overhead excluded there; none here).
  {
    name: "helpers_test.go 'two container no overhead - should just be sum of containers'",
    containers: [
      c('container', { cpu: '1', memory: '5' }, { cpu: '2', memory: '10' }, 'foobar'),
      c('container', { cpu: '4', memory: '12' }, { cpu: '8', memory: '24' }, 'foobar2'),
    ],
    requests: { cpu: '5', memory: '17' },
    limits: { cpu: '10', memory: '34' },
  },
  {
    name: "helpers_test.go 'two container with overhead, massive init - should just be the largest init' (overhead dropped)",
    containers: [
      c('init', { cpu: '1', memory: '5' }, { cpu: '1', memory: '5' }, 'small-init'),
      c('init', { cpu: '40', memory: '120' }, { cpu: '80', memory: '240' }, 'big-init'),
      c('container', { cpu: '1', memory: '5' }, { cpu: '2', memory: '10' }, 'foobar'),
      c('container', { cpu: '4', memory: '12' }, { cpu: '8', memory: '24' }, 'foobar2'),
    ],
    requests: { cpu: '40', memory: '120' },
    limits: { cpu: '80', memory: '240' },
  },
  // TestPodResourceRequests / TestPodResourceLimits (spec, not status, cases).
  {
    name: "helpers_test.go 'nil options, larger init container'",
    containers: [c('init', { cpu: '4' }, { cpu: '4' }), c('container', { cpu: '1' }, { cpu: '1' })],
    requests: { cpu: '4' },
    limits: { cpu: '4' },
  },
  {
    name: "helpers_test.go 'nil options, larger containers'",
    containers: [
      c('init', { cpu: '2' }, { cpu: '2' }),
      c('container', { cpu: '2' }, { cpu: '2' }),
      c('container', { cpu: '3' }, { cpu: '3' }),
    ],
    requests: { cpu: '5' },
    limits: { cpu: '5' },
  },
  {
    name: "helpers_test.go 'pod overhead included' (requests get memory overhead, limits only cpu)",
    containers: [
      c('init', { cpu: '2' }, { cpu: '2' }),
      c('container', { cpu: '2' }, { cpu: '2' }),
      c('container', { cpu: '3' }, { cpu: '3' }),
    ],
    overhead: { cpu: '1', memory: '1Gi' },
    requests: { cpu: '6', memory: '1Gi' },
    limits: { cpu: '6' },
  },
  {
    name: "helpers_test.go 'no limited containers should result in no limits for the pod'",
    containers: [c('container')],
    requests: {},
    limits: {},
  },
  {
    name: "helpers_test.go 'one limited and one unlimited container should result in the limited container's limits for the pod'",
    containers: [c('container', undefined, { cpu: '2', memory: '2Gi' }), c('container')],
    limits: { cpu: '2', memory: '2Gi' },
  },
  {
    name: "helpers_test.go 'restartable init container'",
    containers: [c('sidecar', { cpu: '1' }, { cpu: '1' }), c('container', { cpu: '1' }, { cpu: '1' })],
    requests: { cpu: '2' },
    limits: { cpu: '2' },
  },
  {
    name: "helpers_test.go 'multiple restartable init containers' max(5, 3+2+1 + 1) = 7",
    containers: [
      c('init', { cpu: '5' }, { cpu: '5' }, 'init-1'),
      c('sidecar', { cpu: '1' }, { cpu: '1' }, 'restartable-init-1'),
      c('sidecar', { cpu: '2' }, { cpu: '2' }, 'restartable-init-2'),
      c('sidecar', { cpu: '3' }, { cpu: '3' }, 'restartable-init-3'),
      c('container', { cpu: '1' }, { cpu: '1' }, 'container-1'),
    ],
    requests: { cpu: '7' },
    limits: { cpu: '7' },
  },
  {
    name: "helpers_test.go 'multiple restartable and regular init containers' init-2 needs 5 + (1+2) = 8",
    containers: [
      c('init', { cpu: '5' }, { cpu: '5' }, 'init-1'),
      c('sidecar', { cpu: '1' }, { cpu: '1' }, 'restartable-init-1'),
      c('sidecar', { cpu: '2' }, { cpu: '2' }, 'restartable-init-2'),
      c('init', { cpu: '5' }, { cpu: '5' }, 'init-2'),
      c('sidecar', { cpu: '3' }, { cpu: '3' }, 'restartable-init-3'),
      c('container', { cpu: '1' }, { cpu: '1' }, 'container-1'),
    ],
    requests: { cpu: '8' },
    limits: { cpu: '8' },
  },
  {
    name: "helpers_test.go 'restartable-init, init and regular' max(10 + 200, 10 + 100) = 210",
    containers: [
      c('sidecar', { cpu: '10' }, { cpu: '10' }),
      c('init', { cpu: '200' }, { cpu: '200' }),
      c('container', { cpu: '100' }, { cpu: '100' }),
    ],
    requests: { cpu: '210' },
    limits: { cpu: '210' },
  },
  // TestPodLevelResourceRequests.
  {
    name: "helpers_test.go 'pod level memory resource with SkipPodLevelResources false'",
    podLevel: { requests: { memory: '2Mi' } },
    requests: { memory: '2Mi' },
  },
  {
    name: "helpers_test.go 'pod level memory and container level cpu resources with SkipPodLevelResources false'",
    podLevel: { requests: { memory: '2Mi' } },
    containers: [c('container', { cpu: '2m' })],
    requests: { memory: '2Mi', cpu: '2m' },
  },
  {
    name: "helpers_test.go 'pod level unsupported resources set at both pod-level and container-level with SkipPodLevelResources false'",
    podLevel: { requests: { storage: '2Mi' } },
    containers: [c('container', { storage: '3Mi' })],
    requests: { storage: '3Mi' },
  },
  {
    name: "helpers_test.go 'pod level unsupported resources set at pod-level with SkipPodLevelResources false'",
    podLevel: { requests: { storage: '2Mi' } },
    containers: [c('container', { memory: '3Mi' })],
    requests: { memory: '3Mi' },
  },
  {
    name: "helpers_test.go 'both container-level and pod-level resources set with SkipPodLevelResources false'",
    podLevel: { requests: { memory: '6Mi', cpu: '8m' } },
    containers: [c('container', { memory: '3Mi', cpu: '2m' })],
    requests: { memory: '6Mi', cpu: '8m' },
  },
  {
    name: "helpers_test.go 'container-level resources and sidecar container set with SkipPodLevelResources false'",
    containers: [c('sidecar', { memory: '5Mi', cpu: '4m' }), c('container', { memory: '3Mi', cpu: '2m' })],
    requests: { memory: '8Mi', cpu: '6m' },
  },
  {
    name: "helpers_test.go 'container-level resources, init and sidecar container set with SkipPodLevelResources false'",
    containers: [
      c('sidecar', { memory: '5Mi', cpu: '4m' }),
      c('init', { memory: '6Mi', cpu: '8m' }),
      c('container', { memory: '3Mi', cpu: '2m' }),
    ],
    requests: { memory: '11Mi', cpu: '12m' },
  },
  {
    name: "helpers_test.go 'pod-level resources, container-level resources, init and sidecar container set with SkipPodLevelResources false'",
    podLevel: { requests: { memory: '15Mi', cpu: '18m' } },
    containers: [
      c('sidecar', { memory: '5Mi', cpu: '4m' }),
      c('init', { memory: '6Mi', cpu: '8m' }),
      c('container', { memory: '3Mi', cpu: '2m' }),
    ],
    requests: { memory: '15Mi', cpu: '18m' },
  },
  {
    name: "helpers_test.go 'pod-level resources, hugepage request/limit multiple page sizes between pod-level and container-level'",
    podLevel: { requests: { cpu: '1', 'hugepages-2Mi': '10Mi' }, limits: { 'hugepages-2Mi': '10Mi' } },
    containers: [c('container', { memory: '4Mi', 'hugepages-1Gi': '1Gi' }, { 'hugepages-1Gi': '1Gi' })],
    requests: { cpu: '1', memory: '4Mi', 'hugepages-2Mi': '10Mi', 'hugepages-1Gi': '1Gi' },
    limits: { 'hugepages-2Mi': '10Mi', 'hugepages-1Gi': '1Gi' },
  },
  // Our own tricky cases.
  {
    name: 'pod-level limits replace the container aggregate per resource; others keep the aggregate',
    podLevel: { requests: { cpu: '1' }, limits: { cpu: '2' } },
    containers: [c('container', { cpu: '500m', memory: '1Gi' }, { cpu: '4', memory: '2Gi' })],
    requests: { cpu: '1', memory: '1Gi' },
    limits: { cpu: '2', memory: '2Gi' },
  },
  {
    name: 'pod-level limits alone (no pod-level requests) still apply to limits (IsPodLevelResourcesSet)',
    podLevel: { limits: { memory: '3Gi' } },
    containers: [c('container', { memory: '1Gi' }, { memory: '2Gi' })],
    requests: { memory: '1Gi' },
    limits: { memory: '3Gi' },
  },
  {
    name: 'pod-level naming only an unsupported resource changes nothing',
    podLevel: { requests: { 'ephemeral-storage': '1Gi' }, limits: { 'ephemeral-storage': '2Gi' } },
    containers: [c('container', { 'ephemeral-storage': '100Mi' }, { 'ephemeral-storage': '200Mi' })],
    requests: { 'ephemeral-storage': '100Mi' },
    limits: { 'ephemeral-storage': '200Mi' },
  },
  {
    name: 'overhead is added on top of pod-level requests and pod-level limits',
    podLevel: { requests: { cpu: '1' }, limits: { cpu: '2' } },
    overhead: { cpu: '250m', memory: '120Mi' },
    requests: { cpu: '1250m', memory: '120Mi' },
    limits: { cpu: '2250m' },
  },
  {
    name: 'overhead skips an explicit zero limit',
    containers: [c('container', { cpu: '0' }, { cpu: '0', memory: '1Gi' })],
    overhead: { cpu: '100m', memory: '64Mi' },
    requests: { cpu: '100m', memory: '64Mi' },
    limits: { cpu: '0', memory: '1088Mi' },
  },
  {
    name: 'init container limits raise the pod limit even when no regular container has one',
    containers: [c('init', undefined, { memory: '1Gi' }), c('container', { memory: '100Mi' })],
    requests: { memory: '100Mi' },
    limits: { memory: '1Gi' },
  },
  {
    name: 'a sidecar started after an init container does not count toward that init container',
    containers: [
      c('init', { memory: '1Gi' }, undefined, 'first'),
      c('sidecar', { memory: '512Mi' }, undefined, 'late-sidecar'),
      c('container', { memory: '256Mi' }),
    ],
    requests: { memory: '1Gi' },
  },
  {
    name: 'extended resources follow the same rules (nvidia.com/gpu, hugepages)',
    containers: [
      c('init', { 'nvidia.com/gpu': '2' }, { 'nvidia.com/gpu': '2' }),
      c(
        'container',
        { 'nvidia.com/gpu': '1', 'hugepages-2Mi': '4Mi' },
        { 'nvidia.com/gpu': '1', 'hugepages-2Mi': '4Mi' },
      ),
      c('container', { 'nvidia.com/gpu': '1' }, { 'nvidia.com/gpu': '1' }),
    ],
    requests: { 'nvidia.com/gpu': '2', 'hugepages-2Mi': '4Mi' },
    limits: { 'nvidia.com/gpu': '2', 'hugepages-2Mi': '4Mi' },
  },
];

describe('effectivePodRequests / effectivePodLimits', () => {
  it.each(cases)('$name', (tc) => {
    const pod = input(tc);
    if (tc.requests !== undefined) expect(effectivePodRequests(pod)).toEqual(amounts(tc.requests));
    if (tc.limits !== undefined) expect(effectivePodLimits(pod)).toEqual(amounts(tc.limits));
  });

  it('returns frozen objects and never mutates the containers', () => {
    const container = c('container', { cpu: '1' }, { cpu: '1' });
    const pod: PodResourceInput = { containers: [container], overhead: amounts({ cpu: '1' }) };
    const requests = effectivePodRequests(pod);
    expect(Object.isFrozen(requests)).toBe(true);
    expect(container.requests).toEqual(amounts({ cpu: '1' }));
    expect(effectivePodLimits(pod)).toEqual(amounts({ cpu: '2' }));
  });
});

describe('pod-level resource gates', () => {
  // helpers_test.go TestIsSupportedPodLevelResource and TestIsPodLevelResourcesSet.
  it.each([
    ['cpu', true],
    ['memory', true],
    ['ephemeral-storage', false],
    ['hugepages-2Mi', true],
    ['hugepages-1Gi', true],
    ['nvidia.com/gpu', false],
  ])('isSupportedPodLevelResource(%s) is %s', (name, expected) => {
    expect(isSupportedPodLevelResource(name)).toBe(expected);
  });

  it.each([
    ['empty resources struct', {}, {}, false, false],
    ["'only unsupported resource requests set'", { 'ephemeral-storage': '1Mi' }, {}, false, false],
    ["'only unsupported resource limits set'", {}, { 'ephemeral-storage': '1Mi' }, false, false],
    [
      "'unsupported and suported resources requests set'",
      { 'ephemeral-storage': '1Mi', cpu: '1m' },
      {},
      true,
      true,
    ],
    [
      "'unsupported and suported resources limits set'",
      {},
      { 'ephemeral-storage': '1Mi', cpu: '1m' },
      true,
      false,
    ],
  ])('helpers_test.go %s', (_name, requests, limits, resourcesSet, requestsSet) => {
    const podLevel = { requests: amounts(requests), limits: amounts(limits) };
    expect(isPodLevelResourcesSet(podLevel)).toBe(resourcesSet);
    expect(isPodLevelRequestsSet(podLevel)).toBe(requestsSet);
  });

  it('nil resources struct is not set', () => {
    expect(isPodLevelResourcesSet(undefined)).toBe(false);
    expect(isPodLevelRequestsSet(undefined)).toBe(false);
  });
});
