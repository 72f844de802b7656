import { describe, expect, it } from 'vitest';
import { buildCluster } from '../testing/index.js';
import { createCollectFilter, recordsFromObjects } from '../report/index.js';
import {
  capacityDocument,
  MAX_CAPACITY_CELLS,
  MAX_CAPACITY_RESOURCES,
  MAX_CAPACITY_ROWS,
  parseCapacityQuery,
  QueryError,
} from './capacity-query.js';

const parse = (query: string) => parseCapacityQuery(new URLSearchParams(query));

describe('parseCapacityQuery', () => {
  it('defaults to node rows with no filters', () => {
    expect(parse('')).toMatchObject({ by: 'node', namespace: undefined, limit: undefined, sort: undefined });
  });

  it('reads every parameter', () => {
    const q = parse(
      'by=pod&namespace=shop&labelSelector=app%3Dweb&node=node-1&sort=requests.cpu&order=asc&limit=10&resources=cpu,memory',
    );
    expect(q).toMatchObject({
      by: 'pod',
      namespace: 'shop',
      node: 'node-1',
      sort: 'requests.cpu',
      order: 'asc',
      limit: 10,
    });
    expect(q.resources).toEqual(['cpu', 'memory']);
    expect(q.labelSelector?.matches({ app: 'web' })).toBe(true);
  });

  it.each([
    ['by=cluster', 'by must be one of node, namespace, workload, pod'],
    ['limit=0', 'limit must be an integer'],
    [`limit=${MAX_CAPACITY_ROWS + 1}`, `limit must be an integer from 1 to ${MAX_CAPACITY_ROWS}`],
    ['limit=9000002', `limit must be an integer from 1 to ${MAX_CAPACITY_ROWS}`],
    [
      `resources=${Array.from({ length: MAX_CAPACITY_RESOURCES + 1 }, (_, i) => `r${i}`).join(',')}`,
      `resources may name at most ${MAX_CAPACITY_RESOURCES} resources, got ${MAX_CAPACITY_RESOURCES + 1}`,
    ],
    ['resources=cpu,a%20b', '"a b": not a resource name'],
    [`limit=${MAX_CAPACITY_ROWS}&resources=a,b,c,d,e,f,g,h,i`, `more than ${MAX_CAPACITY_CELLS}`],
    ['limit=abc', 'limit must be an integer'],
    ['namespace=Bad_NS', 'is not a valid namespace name'],
    ['labelSelector=a%20in%20(', 'labelSelector:'],
    ['order=up', 'order must be asc or desc'],
    ['resources=cpu,,memory', 'resources must be'],
    ['by=node&by=pod', 'given more than once'],
    ['colour=blue', 'unknown parameter "colour"'],
  ])('rejects %s', (query, message) => {
    expect(() => parse(query)).toThrow(QueryError);
    expect(() => parse(query)).toThrow(message);
  });

  it('reports every problem at once', () => {
    try {
      parse('by=x&limit=-1&order=sideways');
      expect.unreachable();
    } catch (error) {
      expect((error as QueryError).problems).toHaveLength(3);
    }
  });
});

describe('capacityDocument bounds (issue 11: one GET must not cost unbounded memory)', () => {
  const fixture = buildCluster({ nodes: 3, podsPerNode: 10, seed: 5 });
  const input = recordsFromObjects(fixture, createCollectFilter({}));

  it('rejects resource names the cluster does not have, suggesting the near miss', () => {
    const query = parse('by=pod&resources=CPU,made-up');
    expect(() => capacityDocument(input, query)).toThrow(QueryError);
    expect(() => capacityDocument(input, query)).toThrow(
      /unknown 2 resources "CPU" \(did you mean "cpu"\?\), "made-up": the cluster has cpu, memory/,
    );
  });

  it('serves the names the cluster has, and a default row cap reported as limit', () => {
    const doc = capacityDocument(input, parse('by=pod&resources=cpu,memory'));
    expect(doc.resources).toEqual(['cpu', 'memory']);
    expect(doc.limit).toBe(MAX_CAPACITY_ROWS);
    expect(doc.total).toBe((doc['pods'] as unknown[]).length);
  });

  it('limit × default columns above the cell cap is a 400, not a silently shorter answer', () => {
    // A node offering 12 device plugins' resources: 18 names, 16 served by default.
    const devices = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`example.com/dev-${i}`, '1']));
    const node = {
      ...fixture.nodes[0]!,
      status: { ...fixture.nodes[0]!.status, capacity: devices, allocatable: devices },
    };
    const many = recordsFromObjects({ nodes: [node, ...fixture.nodes], pods: [] }, createCollectFilter({}));
    const doc = capacityDocument(many, parse('by=node'));
    expect(doc.resources).toHaveLength(MAX_CAPACITY_RESOURCES);
    expect(doc.limit).toBe(MAX_CAPACITY_CELLS / MAX_CAPACITY_RESOURCES);
    expect(() => capacityDocument(many, parse(`by=pod&limit=${MAX_CAPACITY_ROWS}`))).toThrow(
      /cells, more than/,
    );
  });
});

describe('capacityDocument scope (issue 10: filtered totals say which scope each column covers)', () => {
  const fixture = buildCluster({ nodes: 3, podsPerNode: 10, seed: 8, namespaces: 3 });
  const records = recordsFromObjects(fixture, createCollectFilter({}));
  const namespace = fixture.pods.find((p) => p.spec.nodeName !== undefined)!.metadata.namespace!;

  it('namespace=: the cluster row sums the usage of the same pods as its requests', () => {
    const doc = capacityDocument(records, parse(`by=namespace&namespace=${namespace}&resources=cpu`));
    expect(doc.scope).toMatchObject({ namespace, usageFrom: 'PodMetrics' });
    const [row] = doc['namespaces'] as { resources: { cpu: { usage: { value: number } } } }[];
    const cpu = doc.cluster.resources['cpu']!;
    expect(cpu.usage?.value).toBe(row!.resources.cpu.usage.value);
    expect(cpu.nodeUsage!.value).toBeGreaterThan(cpu.usage!.value);
  });

  it('without filters usage is NodeMetrics', () => {
    const doc = capacityDocument(records, parse('by=node&resources=cpu'));
    expect(doc.scope.usageFrom).toBe('NodeMetrics');
    expect(doc.cluster.resources['cpu']!.usage).toEqual(doc.cluster.resources['cpu']!.nodeUsage);
  });
});
