import { describe, expect, it } from 'vitest';
import type { Node, NodeMetrics } from '../api/index.js';
import { createRecordTrimmer } from '../report/index.js';
import { encodeNodesSummary, nodesSummary, type NodesSummary } from './nodes-summary.js';

const trimmer = createRecordTrimmer();
const node = (name: string, allocatable: Record<string, string>): Node => ({
  metadata: { name },
  status: { capacity: { cpu: '4', memory: '1Gi' }, allocatable },
});
const metrics = (name: string, cpu: string, memory: string): NodeMetrics => ({
  metadata: { name },
  timestamp: '2025-06-01T12:00:00Z',
  window: '30s',
  usage: { cpu, memory },
});

describe('encodeNodesSummary', () => {
  it.each([
    [750, '750.0'],
    [37.5, '37.5'],
    [0, '0.0'],
    [6.358640561761074, '6.358640561761074'],
    [1e21, '1e+21'],
  ])('writes %s as %s', (value, text) => {
    const summary: NodesSummary = {
      Nodes: [
        {
          NodeName: 'n',
          CPU: {
            Capacity: 2000,
            Allocatable: 2000,
            Requests: { InstrumentedValue: value, Percent: null },
            Limits: { InstrumentedValue: 0, Percent: 0 },
            Usage: null,
          },
          RAM: {
            Capacity: 1,
            Allocatable: 1,
            Requests: { InstrumentedValue: 1, Percent: 1 },
            Limits: { InstrumentedValue: 1, Percent: 1 },
            Usage: null,
          },
        },
      ],
    };
    const json = encodeNodesSummary(summary);
    expect(json).toContain(`"Requests":{"InstrumentedValue":${text},"Percent":null}`);
    expect(json).toContain('"Capacity":2000,');
    expect(JSON.parse(json)).toEqual(summary);
  });
});

describe('nodesSummary', () => {
  it('gives usage per node with metrics, null without, and null percentages on zero allocatable', () => {
    const nodes = [node('a', { cpu: '2', memory: '1Gi' }), node('b', { cpu: '0', memory: '0' })];
    const summary = nodesSummary({
      nodes: nodes.map((n) => trimmer.trimNode(n)),
      pods: [],
      nodeMetrics: new Map([['a', trimmer.trimNodeMetrics(metrics('a', '500m', '256Mi'))]]),
    });
    const [a, b] = summary.Nodes;
    expect(a?.CPU.Usage).toEqual({ InstrumentedValue: 500, Percent: 25 });
    expect(a?.RAM.Usage).toEqual({ InstrumentedValue: 268435456, Percent: 25 });
    expect(a?.CPU.Requests).toEqual({ InstrumentedValue: 0, Percent: 0 });
    expect(b?.CPU.Usage).toBeNull();
    expect(b?.CPU.Allocatable).toBe(0);
    expect(b?.CPU.Requests.Percent).toBeNull();
  });
});
