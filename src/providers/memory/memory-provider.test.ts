import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../api/index.js';
import { KubemetricsError } from '../../errors.js';
import { QuantityError } from '../../quantity/index.js';
import { MemoryMetricsProvider } from './memory-provider.js';

const signal = new AbortController().signal;
const everything = parseLabelSelector('');
const pods = { group: '', resource: 'pods' };

function provider(): MemoryMetricsProvider {
  const m = new MemoryMetricsProvider();
  m.setCustomMetric({
    groupResource: 'pods',
    namespace: 'a',
    name: 'p1',
    metric: 'rps',
    value: '1',
    labels: { app: 'x' },
    metricLabels: { code: '200' },
  });
  m.setCustomMetric({
    groupResource: 'pods',
    namespace: 'a',
    name: 'p1',
    metric: 'rps',
    value: '500m',
    metricLabels: { code: '500' },
  });
  m.setCustomMetric({
    groupResource: 'pods',
    namespace: 'a',
    name: 'p2',
    metric: 'rps',
    value: '2',
    labels: { app: 'y' },
  });
  m.setCustomMetric({
    groupResource: 'pods',
    namespace: 'b',
    name: 'p1',
    metric: 'rps',
    value: '9',
    labels: { app: 'x' },
  });
  m.setCustomMetric({
    groupResource: { group: '', resource: 'nodes' },
    name: 'n1',
    metric: 'temp',
    value: 40,
  });
  return m;
}

describe('MemoryMetricsProvider: custom metrics', () => {
  it('lists each metric once per resource with its scope', () => {
    expect(provider().listCustomMetrics()).toEqual([
      { groupResource: pods, metric: 'rps', namespaced: true },
      { groupResource: { group: '', resource: 'nodes' }, metric: 'temp', namespaced: false },
    ]);
  });

  it('one object: series matching the metric selector are summed exactly', () => {
    const m = provider();
    const query = { signal, groupResource: pods, namespace: 'a', name: 'p1', metric: 'rps' };
    expect(m.getMetricByName({ ...query, metricSelector: everything })?.value.toString()).toBe('1500m');
    expect(
      m.getMetricByName({ ...query, metricSelector: parseLabelSelector('code=500') })?.value.toString(),
    ).toBe('500m');
    expect(m.getMetricByName({ ...query, metricSelector: parseLabelSelector('code=404') })).toBeUndefined();
    expect(m.getMetricByName({ ...query, name: 'nope', metricSelector: everything })).toBeUndefined();
  });

  it('by selector on the object labels, or by resolved names; namespaces never mix', () => {
    const m = provider();
    const base = { signal, groupResource: pods, namespace: 'a', metric: 'rps', metricSelector: everything };
    const bySelector = m.getMetricBySelector({
      ...base,
      selector: parseLabelSelector('app=x'),
      names: undefined,
    });
    expect(bySelector.map((v) => [v.name, v.value.toString()])).toEqual([['p1', '1500m']]);
    const byNames = m.getMetricBySelector({
      ...base,
      selector: parseLabelSelector('app=nothing'),
      names: ['p2'],
    });
    expect(byNames.map((v) => v.name)).toEqual(['p2']);
    expect(m.getMetricBySelector({ ...base, selector: everything, names: undefined })).toHaveLength(2);
  });

  it('delete removes one series', () => {
    const m = provider();
    expect(
      m.deleteCustomMetric({
        groupResource: 'pods',
        namespace: 'a',
        name: 'p1',
        metric: 'rps',
        metricLabels: { code: '500' },
      }),
    ).toBe(true);
    expect(m.deleteCustomMetric({ groupResource: 'pods', namespace: 'a', name: 'p1', metric: 'rps' })).toBe(
      false,
    );
  });

  it('objectLister: objects it has values for, labels merged; unknown resources are undefined', async () => {
    const m = provider();
    expect(await m.objectLister.list(pods, 'a', parseLabelSelector('app=x'))).toEqual([
      { name: 'p1', namespace: 'a', labels: { app: 'x' } },
    ]);
    expect(await m.objectLister.list(pods, '', parseLabelSelector('app=x'))).toHaveLength(2);
    expect(
      await m.objectLister.list({ group: 'apps', resource: 'deployments' }, 'a', everything),
    ).toBeUndefined();
    expect(await m.objectLister.list({ group: '', resource: 'nodes' }, '', everything)).toEqual([
      { name: 'n1', labels: {} },
    ]);
  });
});

describe('MemoryMetricsProvider: external and resource metrics', () => {
  it('external series: namespace-scoped or for everyone, selected by labels', () => {
    const m = new MemoryMetricsProvider({
      external: [
        { metric: 'q', labels: { queue: 'a' }, value: 1 },
        { metric: 'q', labels: { queue: 'b' }, value: 2, namespace: 'team' },
      ],
    });
    expect(m.listExternalMetrics()).toEqual([{ metric: 'q' }]);
    const get = (namespace: string, selector: string) =>
      m
        .getExternalMetric({ signal, namespace, metric: 'q', selector: parseLabelSelector(selector) })
        .map((v) => v.value.toString());
    expect(get('other', '')).toEqual(['1']);
    expect(get('team', '')).toEqual(['1', '2']);
    expect(get('team', 'queue=b')).toEqual(['2']);
  });

  it('nodes and pods by names, selector and namespace', () => {
    const m = new MemoryMetricsProvider({
      nodes: [
        { name: 'n1', labels: { pool: 'a' }, usage: { cpu: '1', memory: '1Gi' } },
        { name: 'n2', usage: { cpu: 2 } },
      ],
      pods: [
        {
          namespace: 'a',
          name: 'p',
          labels: { app: 'x' },
          containers: [{ name: 'c', usage: { cpu: '10m' } }],
        },
        { namespace: 'b', name: 'p', containers: [] },
      ],
    });
    expect(
      m.getNodeUsage({ signal, selector: parseLabelSelector('pool=a'), names: undefined }).map((n) => n.name),
    ).toEqual(['n1']);
    expect(
      m.getNodeUsage({ signal, selector: everything, names: ['n2'] }).map((n) => n.usage['cpu']?.toString()),
    ).toEqual(['2']);
    expect(m.getPodUsage({ signal, namespace: '', selector: everything, names: undefined })).toHaveLength(2);
    expect(
      m.getPodUsage({ signal, namespace: 'b', selector: everything, names: ['p'] }).map((p) => p.namespace),
    ).toEqual(['b']);
    expect(
      m.getPodUsage({ signal, namespace: '', selector: parseLabelSelector('app=x'), names: undefined }),
    ).toHaveLength(1);
    m.deletePodUsage('a', 'p');
    m.deleteNodeUsage('n1');
    expect(m.getPodUsage({ signal, namespace: '', selector: everything, names: undefined })).toHaveLength(1);
    expect(m.getNodeUsage({ signal, selector: everything, names: undefined })).toHaveLength(1);
  });
});

describe('MemoryMetricsProvider: input checks', () => {
  it('rejects bad quantities and names with typed errors', () => {
    const m = new MemoryMetricsProvider();
    expect(() =>
      m.setCustomMetric({ groupResource: 'pods', namespace: 'a', name: 'p', metric: 'm', value: '1K' }),
    ).toThrow(QuantityError);
    expect(() =>
      m.setCustomMetric({ groupResource: 'pods', namespace: 'a', name: '', metric: 'm', value: 1 }),
    ).toThrow(/name must be a non-empty string/);
    expect(() => m.setExternalMetric({ metric: 'q', value: Number.NaN })).toThrow(KubemetricsError);
    expect(() => m.setCustomMetric({ groupResource: '.apps', name: 'p', metric: 'm', value: 1 })).toThrow(
      /must name a resource/,
    );
  });

  it('replaceAll is all or nothing', () => {
    const m = provider();
    expect(() =>
      m.replaceAll({
        custom: [{ groupResource: 'pods', namespace: 'a', name: 'x', metric: 'm', value: 1 }],
        nodes: [{ name: 'n', usage: { cpu: 'bad' } }],
      }),
    ).toThrow(QuantityError);
    expect(m.listCustomMetrics()).toHaveLength(2);
  });

  it('ready() follows setReady', () => {
    const m = new MemoryMetricsProvider();
    expect(m.ready()).toBe(true);
    m.setReady(false);
    expect(m.ready()).toBe(false);
  });
});
