import { describe, expect, it } from 'vitest';
import type { Container, Node, NodeMetrics, Pod, PodMetrics } from '../api/index.js';
import { decodePodMetrics } from '../client/metrics-model.js';
import { isKubemetricsError, type KubemetricsError } from '../errors.js';
import { createRecordTrimmer, trimNode, trimPod } from './records.js';

const G = 1_000_000_000n;
const Mi = 1024n * 1024n * G;

function pod(overrides: Partial<Pod['spec']> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    metadata: { name: 'web-1', namespace: 'default', ...meta },
    spec: {
      nodeName: 'n1',
      containers: [
        {
          name: 'app',
          resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        },
      ],
      ...overrides,
    },
    status: { phase: 'Running' },
  };
}

function decodeError(fn: () => unknown): KubemetricsError {
  try {
    fn();
  } catch (error) {
    if (isKubemetricsError(error)) return error;
    throw error;
  }
  throw new Error('expected a KubemetricsError');
}

describe('trimPod', () => {
  it('keeps identity, placement, owner and exact container amounts', () => {
    const record = trimPod(
      pod(
        {
          initContainers: [
            { name: 'migrate', resources: { requests: { cpu: '1' } } },
            {
              name: 'proxy',
              restartPolicy: 'Always',
              resources: { requests: { cpu: '100m', memory: '32Mi' } },
            },
          ],
        },
        {
          labels: { app: 'web', 'pod-template-hash': '5d9f7c6b8' },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d9f7c6b8', uid: 'u1', controller: true },
          ],
        },
      ),
    );
    expect(record).toMatchObject({
      namespace: 'default',
      name: 'web-1',
      nodeName: 'n1',
      phase: 'Running',
      labels: { app: 'web', 'pod-template-hash': '5d9f7c6b8' },
      owner: { kind: 'Deployment', name: 'web' },
    });
    expect(record.resources.containers.map((c) => [c.name, c.kind])).toEqual([
      ['migrate', 'init'],
      ['proxy', 'sidecar'],
      ['app', 'container'],
    ]);
    expect(record.resources.containers[2]?.requests).toEqual({ cpu: 250_000_000n, memory: 64n * Mi });
    // max(1 (migrate alone), 250m + 100m) = 1 cpu; memory 64Mi + 32Mi.
    expect(record.resources.requests).toEqual({ cpu: G, memory: 96n * Mi });
    expect(record.resources.limits).toEqual({ memory: 128n * Mi });
    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen(record.resources.requests)).toBe(true);
  });

  it('has no nodeName while pending', () => {
    expect(trimPod(pod({ nodeName: undefined })).nodeName).toBeUndefined();
    expect(trimPod(pod({ nodeName: '' })).nodeName).toBeUndefined();
  });

  it('shares decoded resources between pods with identical specs, adjacent or not', () => {
    const trimmer = createRecordTrimmer();
    const a = trimmer.trimPod(pod({}, { name: 'a' }));
    const other = trimmer.trimPod(pod({ containers: [{ name: 'x' }] }, { name: 'b' }));
    const c = trimmer.trimPod(pod({}, { name: 'c' }));
    const d = trimmer.trimPod(pod({}, { name: 'd' }));
    expect(c.resources).toBe(a.resources);
    expect(d.resources).toBe(a.resources);
    expect(other.resources).not.toBe(a.resources);
  });

  it('does not confuse specs that differ only in a value, a name, a kind or pod-level fields', () => {
    const trimmer = createRecordTrimmer();
    const base = trimmer.trimPod(pod());
    const variants: Pod[] = [
      pod({
        containers: [
          {
            name: 'app',
            resources: { requests: { cpu: '251m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          },
        ],
      }),
      pod({
        containers: [
          {
            name: 'ap',
            resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          },
        ],
      }),
      pod({ overhead: { cpu: '10m' } }),
      pod({ resources: { requests: { cpu: '1' } } }),
      pod({ initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }] }),
      pod({
        initContainers: [{ name: 'i', restartPolicy: 'Always', resources: { requests: { cpu: '2' } } }],
      }),
    ];
    const seen = new Set([base.resources]);
    for (const variant of variants) {
      const record = trimmer.trimPod(variant);
      expect(seen.has(record.resources)).toBe(false);
      seen.add(record.resources);
    }
    // Sidecar vs init with the same values give different effective requests.
    expect(trimmer.trimPod(variants[4] as Pod).resources.requests['cpu']).toBe(2n * G);
    expect(trimmer.trimPod(variants[5] as Pod).resources.requests['cpu']).toBe(2n * G + 250_000_000n);
  });

  it('accepts numbers where YAML files put unquoted quantities', () => {
    const record = trimPod(
      pod({ containers: [{ name: 'a', resources: { requests: { cpu: 2 as unknown as string } } }] }),
    );
    expect(record.resources.requests).toEqual({ cpu: 2n * G });
  });

  it.each([
    [
      'a bad container request',
      pod({ containers: [{ name: 'app', resources: { requests: { cpu: '1 core' } } }] }),
      'pod default/web-1: spec.containers[0].resources.requests.cpu "1 core" is not a quantity',
    ],
    [
      'a bad init container limit',
      pod({ initContainers: [{ name: 'i', resources: { limits: { memory: '1GB' } } }] }),
      'pod default/web-1: spec.initContainers[0].resources.limits.memory "1GB" is not a quantity',
    ],
    [
      'a bad overhead',
      pod({ overhead: { cpu: 'lots' } }),
      'pod default/web-1: spec.overhead.cpu "lots" is not a quantity',
    ],
    [
      'a bad pod-level request',
      pod({ resources: { requests: { memory: '-' } } }),
      'pod default/web-1: spec.resources.requests.memory "-" is not a quantity',
    ],
    [
      'a non-string quantity',
      pod({ containers: [{ name: 'app', resources: { requests: { cpu: { v: 1 } as unknown as string } } }] }),
      'pod default/web-1: spec.containers[0].resources.requests.cpu is {"v":1}, expected a quantity string',
    ],
    [
      'a resource list that is not an object',
      pod({ containers: [{ name: 'app', resources: { requests: 5 as unknown as Record<string, string> } }] }),
      'pod default/web-1: spec.containers[0].resources.requests is not a resource list',
    ],
  ])('rejects %s with KUBEMETRICS_ERR_DECODE naming pod, field and value', (_what, wire, message) => {
    const error = decodeError(() => createRecordTrimmer().trimPod(wire));
    expect(error.code).toBe('KUBEMETRICS_ERR_DECODE');
    expect(error.message).toContain(message);
  });

  it('never lets a malformed spec reuse a cached good one (regression: cache key collisions)', () => {
    const trimmer = createRecordTrimmer();
    trimmer.trimPod(pod({ containers: [{ name: 'app' }] }));
    // An empty-looking but malformed requests value must still be decoded (and rejected).
    const bad = pod({
      containers: [{ name: 'app', resources: { requests: 7 as unknown as Record<string, string> } }],
    });
    expect(decodeError(() => trimmer.trimPod(bad)).code).toBe('KUBEMETRICS_ERR_DECODE');
    // Values that would collide under naive "name=value," keys stay distinct.
    const a = trimmer.trimPod(
      pod({ containers: [{ name: 'app', resources: { requests: { cpu: '1', memory: '2' } } }] }),
    );
    expect(() =>
      trimmer.trimPod(pod({ containers: [{ name: 'app', resources: { requests: { cpu: '1,memory=2' } } }] })),
    ).toThrow(/not a quantity/);
    expect(a.resources.requests).toEqual({ cpu: G, memory: 2n * G });
  });

  it('rejects a pod without a name', () => {
    const error = decodeError(() => trimPod({ metadata: {}, spec: { containers: [] } }));
    expect(error.code).toBe('KUBEMETRICS_ERR_DECODE');
  });
});

describe('trimNode', () => {
  const node: Node = {
    metadata: {
      name: 'cp-1',
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: {
        'node-role.kubernetes.io/control-plane': '',
        'node-role.kubernetes.io/etcd': 'true',
        'kubernetes.io/role': 'master',
        'kubernetes.io/hostname': 'cp-1',
      },
    },
    spec: { unschedulable: true },
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '3800m', memory: '15Gi', pods: '110', 'hugepages-2Mi': '0' },
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
    },
  };

  it('keeps roles, readiness, schedulability and exact capacity', () => {
    const record = trimNode(node);
    expect(record).toMatchObject({
      name: 'cp-1',
      roles: ['control-plane', 'etcd', 'master'],
      unschedulable: true,
      ready: true,
      creationTimestamp: '2025-01-01T00:00:00Z',
    });
    expect(record.allocatable).toEqual({
      cpu: 3_800_000_000n,
      memory: 15n * 1024n * Mi,
      pods: 110n * G,
      'hugepages-2Mi': 0n,
    });
  });

  it.each([
    ['False', false],
    ['Unknown', false],
  ])('is not ready when Ready is %s', (status, ready) => {
    expect(trimNode({ ...node, status: { conditions: [{ type: 'Ready', status }] } }).ready).toBe(ready);
  });

  it('is not ready without conditions and has no roles without role labels', () => {
    const record = trimNode({ metadata: { name: 'w' } });
    expect(record).toMatchObject({
      ready: false,
      roles: [],
      unschedulable: false,
      capacity: {},
      allocatable: {},
    });
  });

  it('names the node and field of a bad quantity', () => {
    const error = decodeError(() =>
      trimNode({ metadata: { name: 'w' }, status: { allocatable: { cpu: 'x' } } }),
    );
    expect(error.message).toContain('node w: status.allocatable.cpu "x" is not a quantity');
  });
});

describe('trimPodMetrics / trimNodeMetrics', () => {
  const metrics: PodMetrics = {
    metadata: { name: 'web-1', namespace: 'default' },
    timestamp: '2025-06-01T12:00:00Z',
    window: '15.012s',
    containers: [
      { name: 'app', usage: { cpu: '12345678n', memory: '10240Ki' } },
      { name: 'proxy', usage: { cpu: '1m', memory: '5Mi', 'nvidia.com/gpu': '0' } },
    ],
  };

  it('keeps per-container usage and sums the total like kubectl top pod', () => {
    const usage = createRecordTrimmer().trimPodMetrics(metrics);
    expect(usage.containers.map((c) => c.name)).toEqual(['app', 'proxy']);
    expect(usage.containers[0]?.usage).toEqual({ cpu: 12_345_678n, memory: 10n * Mi });
    expect(usage.total).toEqual({ cpu: 13_345_678n, memory: 15n * Mi, 'nvidia.com/gpu': 0n });
    expect(usage).toMatchObject({
      namespace: 'default',
      name: 'web-1',
      timestamp: '2025-06-01T12:00:00Z',
      window: '15.012s',
    });
  });

  it('uses the single container usage as the total', () => {
    const usage = createRecordTrimmer().trimPodMetrics({ ...metrics, containers: [metrics.containers[0]!] });
    expect(usage.total).toBe(usage.containers[0]?.usage);
  });

  it('names pod, container index and value of a bad usage', () => {
    const bad = { ...metrics, containers: [{ name: 'app', usage: { cpu: '1 core', memory: '1Ki' } }] };
    const error = decodeError(() => createRecordTrimmer().trimPodMetrics(bad));
    expect(error.code).toBe('KUBEMETRICS_ERR_DECODE');
    expect(error.message).toContain(
      'PodMetrics default/web-1: containers[0].usage.cpu "1 core" is not a quantity',
    );
  });

  it('trims node usage', () => {
    const node: NodeMetrics = {
      metadata: { name: 'n1' },
      timestamp: 't',
      window: '20s',
      usage: { cpu: '1500m', memory: '1Gi' },
    };
    expect(createRecordTrimmer().trimNodeMetrics(node)).toEqual({
      name: 'n1',
      usage: { cpu: 1_500_000_000n, memory: 1024n * Mi },
      timestamp: 't',
      window: '20s',
    });
  });
});

describe("metrics are read by the client's one decoder (client/metrics-model.ts)", () => {
  const metrics: PodMetrics = {
    metadata: { name: 'web-1', namespace: 'default' },
    timestamp: '2025-06-01T12:00:00Z',
    window: '15s',
    containers: [
      { name: 'app', usage: { cpu: '250m', memory: '1Gi' } },
      { name: 'proxy', usage: { cpu: '5m', 'nvidia.com/gpu': '1' } },
    ],
  };

  it('gives the same amounts as the client model, in nanos', () => {
    const trimmed = createRecordTrimmer().trimPodMetrics(metrics);
    const decoded = decodePodMetrics(metrics);
    expect(trimmed.total).toEqual(
      Object.fromEntries(Object.entries(decoded.usage).map(([name, q]) => [name, q.nanos])),
    );
    expect(trimmed.containers.map((c) => c.name)).toEqual(decoded.containers.map((c) => c.name));
  });

  it('names the same field as the client for a malformed object', () => {
    const bad = { ...metrics, containers: [{ usage: {} }] } as unknown as PodMetrics;
    expect(decodeError(() => createRecordTrimmer().trimPodMetrics(bad)).message).toContain(
      'PodMetrics default/web-1: containers[0].name is missing',
    );
    expect(() => decodePodMetrics(bad)).toThrow('pod metrics "default/web-1": containers[0].name is missing');
  });
});

describe('createRecordTrimmer', () => {
  it('rejects a bad cache size', () => {
    expect(() => createRecordTrimmer({ cacheSize: 0 })).toThrow(/cacheSize/);
  });

  it('keeps working after its caches fill up and clear', () => {
    const trimmer = createRecordTrimmer({ cacheSize: 2 });
    for (let i = 0; i < 10; i++) {
      const record = trimmer.trimPod(
        pod(
          { containers: [{ name: `c${i % 3}`, resources: { requests: { cpu: `${i + 1}m` } } }] },
          { name: `p${i}` },
        ),
      );
      expect(record.resources.requests['cpu']).toBe(BigInt(i + 1) * 1_000_000n);
    }
  });
});

describe('trimPod on malformed containers', () => {
  it.each([
    [
      'a null init container',
      { initContainers: [null as unknown as Container] },
      'spec.initContainers[0] is not a container',
    ],
    [
      'a container without a name',
      { containers: [{} as Container] },
      'spec.containers[0] is not a container',
    ],
    ['containers that are not a list', { containers: {} as Container[] }, 'spec.containers is not a list'],
    [
      'resources that are not an object',
      { containers: [{ name: 'a', resources: 'x' as never }] },
      'spec.containers[0].resources is not an object',
    ],
  ])('rejects %s with a decode error', (_what, spec, message) => {
    const error = decodeError(() => createRecordTrimmer().trimPod(pod(spec)));
    expect(error.code).toBe('KUBEMETRICS_ERR_DECODE');
    expect(error.message).toContain(message);
  });
});
