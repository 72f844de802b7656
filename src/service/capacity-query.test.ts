import { describe, expect, it } from 'vitest';
import { parseCapacityQuery, QueryError } from './capacity-query.js';

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
