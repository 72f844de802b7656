import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/index.js';
import { buildReport } from './aggregate.js';
import { createPlainRowConverter, reportToPlain, toPlainQuantity } from './plain-report.js';
import { createRecordTrimmer, podKey } from './records.js';

const G = 1_000_000_000n;

describe('toPlainQuantity', () => {
  it.each([
    ['cpu', 250_000_000n, '250m', 0.25],
    ['cpu', 1_500_000_000n, '1500m', 1.5],
    ['cpu', 12_345_678n, '12345678n', 0.012345678],
    ['memory', 1536n * 1024n * 1024n * G, '1536Mi', 1610612736],
    ['memory', 1_000_000_000n * G, '1G', 1e9],
    ['memory', 100_000_000n, '100m', 1], // 0.1 byte: exact string, whole bytes rounded up like Value()
    ['hugepages-2Mi', 4n * 1024n * 1024n * G, '4Mi', 4194304],
    ['ephemeral-storage', 0n, '0', 0],
    ['nvidia.com/gpu', 2n * G, '2', 2],
    ['pods', 110n * G, '110', 110],
  ])('%s %s nanos → %s / %s', (resource, nanos, quantity, value) => {
    expect(toPlainQuantity(resource, nanos)).toEqual({ quantity, value });
  });
});

describe('reportToPlain', () => {
  const trimmer = createRecordTrimmer();
  const pods: Pod[] = [
    {
      metadata: { name: 'a', namespace: 'ns' },
      spec: {
        nodeName: 'n1',
        containers: [
          { name: 'c', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } } },
        ],
      },
      status: { phase: 'Running' },
    },
    {
      metadata: { name: 'p', namespace: 'ns' },
      spec: { containers: [{ name: 'c' }] },
      status: { phase: 'Pending' },
    },
  ];
  const usage = trimmer.trimPodMetrics({
    metadata: { name: 'a', namespace: 'ns' },
    timestamp: 't',
    window: 'w',
    containers: [{ name: 'c', usage: { cpu: '250m', memory: '512Mi' } }],
  });
  const model = buildReport({
    nodes: [
      trimmer.trimNode({
        metadata: { name: 'n1' },
        status: {
          capacity: { cpu: '2', memory: '4Gi', pods: '10' },
          allocatable: { cpu: '2', memory: '4Gi', pods: '10' },
        },
      }),
    ],
    pods: pods.map((p) => trimmer.trimPod(p)),
    podMetrics: new Map([[podKey('ns', 'a'), usage]]),
  });
  const plain = reportToPlain(model);

  it('survives JSON.stringify (no bigint, no class instances) and round-trips', () => {
    const text = JSON.stringify(plain);
    expect(JSON.parse(text)).toEqual(plain);
  });

  it('gives node and cluster amounts with percentages of allocatable; null usage without metrics', () => {
    expect(plain.nodes[0]).toMatchObject({
      name: 'n1',
      pods: 1,
      podCapacity: 10,
      podsPercent: 10,
      hasMetrics: false,
      usageTimestamp: null,
      resources: {
        cpu: {
          capacity: { quantity: '2', value: 2 },
          allocatable: { quantity: '2', value: 2 },
          requests: { quantity: '500m', value: 0.5 },
          limits: { quantity: '0', value: 0 },
          usage: null,
          requestsPercent: 25,
          limitsPercent: 0,
          usagePercent: null,
        },
        memory: { requests: { quantity: '1Gi', value: 1073741824 }, limitsPercent: 50 },
      },
    });
    expect(plain.cluster).toMatchObject({
      nodes: 1,
      nodesWithoutMetrics: 1,
      pendingPods: 1,
      podsPercent: 10,
    });
    expect(plain.cluster.unplaced['cpu']).toEqual({
      requests: { quantity: '0', value: 0 },
      limits: { quantity: '0', value: 0 },
    });
  });

  it('gives pod rows usage against requests and limits, and null for unset amounts', () => {
    const a = plain.pods.find((p) => p.name === 'a')!;
    expect(a).toMatchObject({
      node: 'n1',
      phase: 'Running',
      hasMetrics: true,
      workload: { kind: 'Pod', name: 'a' },
    });
    expect(a.resources['cpu']).toEqual({
      requests: { quantity: '500m', value: 0.5 },
      limits: null,
      usage: { quantity: '250m', value: 0.25 },
      usagePercent: 50,
      usageOfLimitsPercent: null,
    });
    expect(a.resources['memory']?.usageOfLimitsPercent).toBe(25);
    const pending = plain.pods.find((p) => p.name === 'p')!;
    expect(pending).toMatchObject({ node: null, hasMetrics: false });
    expect(pending.resources['cpu']).toMatchObject({ requests: null, usage: null, usagePercent: null });
    expect(plain.containers).toHaveLength(2);
    expect(plain.namespaces[0]).toMatchObject({
      name: 'ns',
      pods: 2,
      pendingPods: 1,
      podsWithoutMetrics: 0,
      hasMetrics: true,
    });
  });

  it('includes only the model resource names', () => {
    const memoryOnly = reportToPlain(
      buildReport({ nodes: [], pods: pods.map((p) => trimmer.trimPod(p)) }, { resources: ['memory'] }),
    );
    expect(memoryOnly.resources).toEqual(['memory']);
    expect(Object.keys(memoryOnly.pods[0]?.resources ?? {})).toEqual(['memory']);
  });

  it('row converter gives the same rows for streaming printers', () => {
    const convert = createPlainRowConverter(model.resourceNames);
    expect(model.pods.map((row) => convert.pod(row))).toEqual(plain.pods);
    expect(convert.cluster(model.cluster)).toEqual(plain.cluster);
    expect(model.containers.map((row) => convert.container(row))).toEqual(plain.containers);
  });
});
