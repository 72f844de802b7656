import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../api/index.js';
import { NODE_TABLE, POD_TABLE, humanDuration, tableVersionRequested } from './table.js';

describe('humanDuration (thresholds of k8s.io/apimachinery pkg/util/duration)', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  it.each([
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [800 * d, '2y70d'],
    [8 * 365 * d, '8y'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('Table negotiation and rows', () => {
  it('reads the Table version from Accept', () => {
    expect(tableVersionRequested('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')).toBe('v1');
    expect(tableVersionRequested('application/json;as=Table;v=v1beta1;g=meta.k8s.io')).toBe('v1beta1');
    expect(tableVersionRequested('application/json')).toBeUndefined();
    expect(tableVersionRequested(undefined)).toBeUndefined();
  });

  it('prints node status and roles like kubectl', () => {
    const node: Node = {
      metadata: {
        name: 'n',
        labels: {
          'node-role.kubernetes.io/worker': '',
          'kubernetes.io/role': 'infra',
          'node-role.kubernetes.io/': '',
        },
      },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    };
    expect(NODE_TABLE.cells(node, 0).slice(0, 3)).toEqual([
      'n',
      'NotReady,SchedulingDisabled',
      'infra,worker',
    ]);
    expect(NODE_TABLE.cells({ metadata: { name: 'm' } }, 0).slice(1, 3)).toEqual(['Unknown', '<none>']);
  });

  const base = (status: Pod['status'], extra: Partial<Pod['spec']> = {}): Pod => ({
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'a' }, { name: 'b' }], ...extra },
    status,
  });
  it.each([
    [
      'running and ready',
      base({
        phase: 'Running',
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 1, state: { running: {} } },
          { name: 'b', ready: true, restartCount: 2, state: { running: {} } },
        ],
      }),
      ['2/2', 'Running', '3'],
    ],
    [
      'crash looping',
      base({
        phase: 'Running',
        containerStatuses: [
          { name: 'a', ready: false, restartCount: 9, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          { name: 'b', ready: true, restartCount: 0, state: { running: {} } },
        ],
      }),
      ['1/2', 'CrashLoopBackOff', '9'],
    ],
    [
      'initializing',
      base(
        {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }],
        },
        { initContainers: [{ name: 'init' }] },
      ),
      ['0/2', 'Init:0/1', '0'],
    ],
    [
      'restartable sidecar counts as a container',
      base(
        {
          phase: 'Running',
          initContainerStatuses: [{ name: 'proxy', ready: true, restartCount: 0, state: { running: {} } }],
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
            { name: 'b', ready: true, restartCount: 0, state: { running: {} } },
          ],
          conditions: [{ type: 'Initialized', status: 'True' }],
        },
        { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      ),
      ['3/3', 'Running', '0'],
    ],
    [
      'completed',
      base({
        phase: 'Succeeded',
        containerStatuses: [
          {
            name: 'a',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
          },
          {
            name: 'b',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
          },
        ],
      }),
      ['0/2', 'Completed', '0'],
    ],
    ['pending', base({ phase: 'Pending' }), ['0/2', 'Pending', '0']],
  ])('pod %s', (_name, pod, expected) => {
    expect(POD_TABLE.cells(pod, 0).slice(1, 4)).toEqual(expected);
  });
});
