import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeRow, PodRow, WorkloadRow } from './aggregate.js';
import type { PodRecord } from './records.js';
import type { ResourceAmounts } from './resource-amounts.js';
import { parseSortColumn, sortColumns, sortRows } from './sort.js';

const G = 1_000_000_000n;
const RESOURCES = ['cpu', 'memory', 'nvidia.com/gpu'];

function nodeRow(name: string, requests: ResourceAmounts, usage?: ResourceAmounts, pods = 0): NodeRow {
  return {
    level: 'node',
    namespace: undefined,
    name,
    roles: [],
    labels: {},
    ready: true,
    unschedulable: false,
    creationTimestamp: undefined,
    capacity: { cpu: 4n * G, memory: 16n * G },
    allocatable: { cpu: 4n * G, memory: 16n * G, pods: 110n * G },
    pods,
    podCapacity: 110,
    requests,
    limits: {},
    usage,
    usageTimestamp: undefined,
    usageFrom: 'NodeMetrics',
    nodeUsage: usage,
    podsWithoutMetrics: undefined,
  };
}

function podRow(namespace: string, name: string, requests: ResourceAmounts, usage?: ResourceAmounts): PodRow {
  return {
    level: 'pod',
    namespace,
    name,
    nodeName: 'n1',
    phase: 'Running',
    workload: { kind: 'Pod', name },
    requests,
    limits: {},
    usage,
    record: {} as PodRecord,
  };
}

const nodes = [
  nodeRow('b', { cpu: 2n * G }, { cpu: G, memory: 8n * G }, 10),
  nodeRow('a', { cpu: 1n * G }, undefined, 30),
  nodeRow('c', { cpu: 2n * G }, { cpu: 3n * G, memory: 4n * G }, 20),
  nodeRow('d', {}, { cpu: G / 2n, memory: 2n * G }, 10),
];
const opts = { level: 'node' as const, resourceNames: RESOURCES };
const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name);

describe('sortRows', () => {
  it.each([
    ['name', ['a', 'b', 'c', 'd']],
    ['cpu', ['c', 'b', 'd', 'a']], // usage; a has no metrics and goes last
    ['usage.cpu', ['c', 'b', 'd', 'a']],
    ['memory%', ['b', 'c', 'd', 'a']],
    ['requests.cpu', ['b', 'c', 'a', 'd']], // ties keep input order (stable); d has 0
    ['requests.cpu%', ['b', 'c', 'a', 'd']],
    ['pods', ['a', 'c', 'b', 'd']],
    ['pods%', ['a', 'c', 'b', 'd']],
    ['allocatable.cpu', ['b', 'a', 'c', 'd']],
  ])('by %s', (column, expected) => {
    expect(names(sortRows(nodes, column, opts))).toEqual(expected);
  });

  it('reverses with order but keeps rows without a value last and ties stable', () => {
    expect(names(sortRows(nodes, 'cpu', { ...opts, order: 'asc' }))).toEqual(['d', 'b', 'c', 'a']);
    expect(names(sortRows(nodes, 'requests.cpu', { ...opts, order: 'asc' }))).toEqual(['d', 'a', 'b', 'c']);
    expect(names(sortRows(nodes, 'name', { ...opts, order: 'desc' }))).toEqual(['d', 'c', 'b', 'a']);
  });

  it('does not modify its input', () => {
    const copy = [...nodes];
    sortRows(nodes, 'cpu', opts);
    expect(nodes).toEqual(copy);
  });

  it('sorts namespaced rows by namespace, then name', () => {
    const pods = [podRow('b', 'x', {}), podRow('a', 'z', {}), podRow('a', 'y', {})];
    expect(
      sortRows(pods, 'name', { level: 'pod', resourceNames: RESOURCES }).map(
        (p) => `${p.namespace}/${p.name}`,
      ),
    ).toEqual(['a/y', 'a/z', 'b/x']);
  });

  it('sorts pod usage% against requests; a pod without requests has no percentage', () => {
    const pods = [
      podRow('a', 'half', { cpu: 2n * G }, { cpu: G }),
      podRow('a', 'none', {}, { cpu: 5n * G }),
      podRow('a', 'full', { cpu: G }, { cpu: G }),
    ];
    expect(names(sortRows(pods, 'cpu%', { level: 'pod', resourceNames: RESOURCES }))).toEqual([
      'full',
      'half',
      'none',
    ]);
  });

  it('sorts workloads by kind', () => {
    const w = (kind: string, name: string): WorkloadRow => ({
      level: 'workload',
      namespace: 'a',
      kind,
      name,
      pods: 1,
      pendingPods: 0,
      podsWithoutMetrics: 0,
      requests: {},
      limits: {},
      usage: undefined,
    });
    const rows = [w('StatefulSet', 'a'), w('Deployment', 'b'), w('DaemonSet', 'c')];
    expect(names(sortRows(rows, 'kind', { level: 'workload', resourceNames: RESOURCES }))).toEqual([
      'c',
      'b',
      'a',
    ]);
  });

  it('is stable for any permutation of equal keys', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }), (keys) => {
        const rows = keys.map((k, i) => nodeRow(`n${String(i).padStart(2, '0')}`, { cpu: BigInt(k) * G }));
        const sorted = sortRows(rows, 'requests.cpu', opts);
        for (let i = 1; i < sorted.length; i++) {
          const prev = sorted[i - 1]!;
          const cur = sorted[i]!;
          const a = prev.requests['cpu'] ?? 0n;
          const b = cur.requests['cpu'] ?? 0n;
          expect(a >= b).toBe(true);
          if (a === b) expect(prev.name < cur.name).toBe(true);
        }
      }),
    );
  });
});

describe('parseSortColumn', () => {
  it.each([
    ['cpu', { type: 'amount', measure: 'usage', resource: 'cpu' }],
    ['memory%', { type: 'percent', measure: 'usage', resource: 'memory' }],
    ['limits.nvidia.com/gpu', { type: 'amount', measure: 'limits', resource: 'nvidia.com/gpu' }],
    ['requests.memory%', { type: 'percent', measure: 'requests', resource: 'memory' }],
    ['nvidia.com/gpu', { type: 'amount', measure: 'usage', resource: 'nvidia.com/gpu' }],
  ])('%s', (column, expected) => {
    expect(parseSortColumn(column, opts)).toEqual(expected);
  });

  it.each([
    ['cpus', 'node'],
    ['requests.gpu', 'node'],
    ['pods', 'pod'],
    ['namespace', 'node'],
    ['kind', 'pod'],
    ['requests.cpu%', 'pod'], // pod-like rows have no basis for requests%
    ['capacity.cpu', 'namespace'],
    ['pods%', 'workload'],
    ['', 'node'],
  ] as const)(
    'rejects %j for %s rows with KUBEMETRICS_ERR_ARGUMENT listing valid columns',
    (column, level) => {
      try {
        parseSortColumn(column, { level, resourceNames: RESOURCES });
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: 'KUBEMETRICS_ERR_ARGUMENT' });
        const message = (error as Error).message;
        expect(message).toContain(
          `unknown sort column ${JSON.stringify(column)} for ${level} rows; valid columns: name`,
        );
        expect(message).toContain('requests.cpu');
      }
    },
  );

  it('lists valid columns per level', () => {
    expect(sortColumns('pod', ['cpu'])).toEqual([
      'name',
      'namespace',
      'cpu',
      'cpu%',
      'requests.cpu',
      'limits.cpu',
      'usage.cpu',
      'usage.cpu%',
    ]);
    expect(sortColumns('node', ['cpu'])).toContain('allocatable.cpu');
    expect(sortColumns('node', ['cpu'])).toContain('pods%');
    // Every listed column parses.
    for (const level of ['cluster', 'node', 'namespace', 'workload', 'pod', 'container'] as const) {
      for (const column of sortColumns(level, RESOURCES)) {
        expect(() => parseSortColumn(column, { level, resourceNames: RESOURCES })).not.toThrow();
      }
    }
  });
});
