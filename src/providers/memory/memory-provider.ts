/**
 * The reference provider: every metrics API served from values held in memory, set from code or
 * loaded from a YAML/JSON file (metrics-file.ts) that can be watched for changes. It implements
 * all three provider interfaces and doubles as the fake in tests.
 */
import type { LabelSelector } from '../../api/index.js';
import type {
  CustomMetricInfo,
  CustomMetricObjectQuery,
  CustomMetricSelectorQuery,
  CustomMetricsProvider,
  CustomMetricValue,
  ExternalMetricInfo,
  ExternalMetricQuery,
  ExternalMetricsProvider,
  ExternalMetricSample,
  GroupResource,
  ListedObject,
  NodeUsage,
  NodeUsageQuery,
  ObjectLister,
  PodUsage,
  PodUsageQuery,
  ResourceMetricsProvider,
  ResourceUsage,
} from '../../apiserver/index.js';
import { formatGroupResource } from '../../apiserver/index.js';
import type { Quantity } from '../../quantity/index.js';
import { requireName, toGroupResource, toQuantity } from './metric-entries.js';
import type {
  CustomMetricEntry,
  ExternalMetricEntry,
  MemoryMetricsSnapshot,
  NodeUsageEntry,
  PodUsageEntry,
  UsageInput,
} from './metric-entries.js';
import { readMetricsFile } from './metrics-file.js';
import { watchMetricsFile } from './metrics-file-watch.js';
import type { MetricsFileWatch, WatchMetricsFileOptions } from './metrics-file-watch.js';

interface StoredCustom {
  readonly groupResource: GroupResource;
  /** `formatGroupResource(groupResource)`, computed once. */
  readonly groupResourceKey: string;
  readonly namespace: string;
  readonly name: string;
  readonly metric: string;
  readonly value: Quantity;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly metricLabels: Readonly<Record<string, string>>;
  readonly timestamp: Date | undefined;
  readonly windowSeconds: number | undefined;
}

interface StoredExternal {
  readonly metric: string;
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: Quantity;
  readonly timestamp: Date | undefined;
  readonly windowSeconds: number | undefined;
}

/** A canonical text for a label set, used in keys. */
function labelsKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

const SEP = '\u0000';

function usageOf(input: UsageInput, what: string): ResourceUsage {
  const usage: Record<string, Quantity> = {};
  for (const [name, amount] of Object.entries(input)) usage[name] = toQuantity(amount, `${what}.${name}`);
  return usage;
}

function copyLabels(
  labels: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> | undefined {
  return labels === undefined ? undefined : { ...labels };
}

function latest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/**
 * Metrics held in memory.
 *
 * @example
 * ```ts
 * const memory = new MemoryMetricsProvider();
 * memory.setCustomMetric({ groupResource: 'pods', namespace: 'shop', name: 'web-1', metric: 'http_requests', value: '250m', labels: { app: 'web' } });
 * const server = createMetricsApiServer({ providers: { custom: memory }, objectLister: memory.objectLister });
 * ```
 */
export class MemoryMetricsProvider
  implements CustomMetricsProvider, ExternalMetricsProvider, ResourceMetricsProvider
{
  private readonly custom = new Map<string, StoredCustom>();
  private readonly external = new Map<string, StoredExternal>();
  private readonly nodes = new Map<string, NodeUsage>();
  private readonly pods = new Map<string, PodUsage>();
  /**
   * Views derived from the maps above (series per metric, labels per object, listed objects),
   * computed on first use and dropped on every change: requests far outnumber updates, and a
   * request over 200 pods must not rebuild them each time.
   */
  private readonly views = new Map<string, unknown>();
  /** Answers by the identity of the `names` array the server passed (it reuses one per selector). */
  private readonly byNames = new WeakMap<
    readonly string[],
    { version: number; values: CustomMetricValue[] }
  >();
  private version = 0;
  private isReady = true;

  /**
   * An `ObjectLister` over the objects this provider has values for, with the labels they were
   * given: pass it as the server's `objectLister` to have selectors resolved to names.
   */
  readonly objectLister: ObjectLister = {
    list: (groupResource, namespace, selector) =>
      Promise.resolve(this.listObjects(groupResource, namespace, selector)),
  };

  constructor(snapshot?: Partial<MemoryMetricsSnapshot>) {
    if (snapshot !== undefined) this.replaceAll(snapshot);
  }

  // -------------------------------------------------------------------------------------------
  // Setting values

  /**
   * Sets the value of one custom metric series for one object (replacing the series with the same
   * metric labels).
   */
  setCustomMetric(entry: CustomMetricEntry): void {
    const stored = this.toStoredCustom(entry, 'setCustomMetric');
    this.custom.set(this.customKey(stored), stored);
    this.changed();
  }

  /** Removes a custom metric series; true when it existed. */
  deleteCustomMetric(entry: Omit<CustomMetricEntry, 'value'>): boolean {
    const groupResource = toGroupResource(entry.groupResource, 'deleteCustomMetric: groupResource');
    this.changed();
    return this.custom.delete(
      [
        formatGroupResource(groupResource),
        entry.namespace ?? '',
        entry.name,
        entry.metric,
        labelsKey(entry.metricLabels ?? {}),
      ].join(SEP),
    );
  }

  /** Sets one series of an external metric (identified by metric, namespace and labels). */
  setExternalMetric(entry: ExternalMetricEntry): void {
    const stored = this.toStoredExternal(entry, 'setExternalMetric');
    this.external.set([stored.metric, stored.namespace ?? '', labelsKey(stored.labels)].join(SEP), stored);
  }

  /** Sets a node's usage. */
  setNodeUsage(entry: NodeUsageEntry): void {
    const node = this.toNode(entry, 'setNodeUsage');
    this.nodes.set(node.name, node);
    this.changed();
  }

  /** Sets a pod's usage, per container. */
  setPodUsage(entry: PodUsageEntry): void {
    const pod = this.toPod(entry, 'setPodUsage');
    this.pods.set(`${pod.namespace}/${pod.name}`, pod);
    this.changed();
  }

  deleteNodeUsage(name: string): boolean {
    this.changed();
    return this.nodes.delete(name);
  }

  deletePodUsage(namespace: string, name: string): boolean {
    this.changed();
    return this.pods.delete(`${namespace}/${name}`);
  }

  /** Forgets every value. */
  clear(): void {
    this.custom.clear();
    this.external.clear();
    this.nodes.clear();
    this.pods.clear();
    this.changed();
  }

  /**
   * Replaces every value at once (what a metrics file load does). All entries are validated first;
   * on error nothing changes.
   */
  replaceAll(snapshot: Partial<MemoryMetricsSnapshot>): void {
    const custom = (snapshot.custom ?? []).map((e, i) => this.toStoredCustom(e, `custom[${i}]`));
    const external = (snapshot.external ?? []).map((e, i) => this.toStoredExternal(e, `external[${i}]`));
    const nodes = (snapshot.nodes ?? []).map((e, i) => this.toNode(e, `nodes[${i}]`));
    const pods = (snapshot.pods ?? []).map((e, i) => this.toPod(e, `pods[${i}]`));
    this.clear();
    for (const c of custom) this.custom.set(this.customKey(c), c);
    for (const e of external)
      this.external.set([e.metric, e.namespace ?? '', labelsKey(e.labels)].join(SEP), e);
    for (const n of nodes) this.nodes.set(n.name, n);
    for (const p of pods) this.pods.set(`${p.namespace}/${p.name}`, p);
    this.changed();
  }

  /** What `/readyz` reports for this provider (true unless set otherwise). */
  setReady(ready: boolean): void {
    this.isReady = ready;
  }

  ready(): boolean {
    return this.isReady;
  }

  /**
   * Replaces every value with the content of a YAML or JSON metrics file (format in
   * docs/apiserver.md). On a bad file nothing changes and the returned promise rejects with every
   * problem listed.
   */
  async loadFile(path: string, signal?: AbortSignal): Promise<void> {
    const { snapshot } = await readMetricsFile(path, signal);
    this.replaceAll(snapshot);
  }

  /**
   * Loads `path` now (rejecting on a bad file) and reloads it whenever it changes. A bad file on
   * reload keeps the last good values and is reported through `options.onReload`.
   */
  watchFile(path: string, options: WatchMetricsFileOptions = {}): Promise<MetricsFileWatch> {
    return watchMetricsFile(path, (snapshot) => this.replaceAll(snapshot), options);
  }

  // -------------------------------------------------------------------------------------------
  // CustomMetricsProvider

  listCustomMetrics(): CustomMetricInfo[] {
    const seen = new Map<string, CustomMetricInfo>();
    for (const c of this.custom.values()) {
      const namespaced = c.namespace !== '';
      const key = [formatGroupResource(c.groupResource), c.metric, String(namespaced)].join(SEP);
      if (!seen.has(key)) seen.set(key, { groupResource: c.groupResource, metric: c.metric, namespaced });
    }
    return [...seen.values()];
  }

  getMetricByName(query: CustomMetricObjectQuery): CustomMetricValue | undefined {
    const series = this.customSeries(
      query.groupResource,
      query.namespace,
      query.metric,
      query.metricSelector,
    ).filter((c) => c.name === query.name);
    return this.sum(query.name, series);
  }

  getMetricBySelector(query: CustomMetricSelectorQuery): CustomMetricValue[] {
    const byObject = query.metricSelector.isEmpty()
      ? this.view(
          ['sums', formatGroupResource(query.groupResource), query.namespace, query.metric].join(SEP),
          () => this.sumByObject(query),
        )
      : this.sumByObject(query);
    const values: CustomMetricValue[] = [];
    const names = query.names;
    if (names !== undefined) {
      const known = query.metricSelector.isEmpty() ? this.byNames.get(names) : undefined;
      if (known !== undefined && known.version === this.version) return known.values;
      for (const name of new Set(names)) {
        const value = byObject.get(name);
        if (value !== undefined) values.push(value);
      }
      if (query.metricSelector.isEmpty()) this.byNames.set(names, { version: this.version, values });
      return values;
    }
    const labels = this.objectLabels(query.groupResource, query.namespace);
    for (const [name, value] of byObject)
      if (query.selector.matches(labels.get(name) ?? {})) values.push(value);
    return values;
  }

  /**
   * Every object's series of the queried metric added up. Cached per metric while the data is
   * unchanged, so the same value objects come back request after request (the server reuses
   * their encoding).
   */
  private sumByObject(query: CustomMetricSelectorQuery): Map<string, CustomMetricValue> {
    const series = new Map<string, StoredCustom[]>();
    for (const c of this.customSeries(
      query.groupResource,
      query.namespace,
      query.metric,
      query.metricSelector,
    )) {
      const list = series.get(c.name);
      if (list === undefined) series.set(c.name, [c]);
      else list.push(c);
    }
    const sums = new Map<string, CustomMetricValue>();
    for (const [name, list] of series) {
      const value = this.sum(name, list);
      if (value !== undefined) sums.set(name, value);
    }
    return sums;
  }

  // -------------------------------------------------------------------------------------------
  // ExternalMetricsProvider

  listExternalMetrics(): ExternalMetricInfo[] {
    return [...new Set([...this.external.values()].map((e) => e.metric))].map((metric) => ({ metric }));
  }

  getExternalMetric(query: ExternalMetricQuery): ExternalMetricSample[] {
    const values: ExternalMetricSample[] = [];
    for (const e of this.external.values()) {
      if (e.metric !== query.metric) continue;
      if (e.namespace !== undefined && e.namespace !== query.namespace) continue;
      if (!query.selector.matches(e.labels)) continue;
      values.push({
        labels: e.labels,
        value: e.value,
        timestamp: e.timestamp,
        windowSeconds: e.windowSeconds,
      });
    }
    return values;
  }

  // -------------------------------------------------------------------------------------------
  // ResourceMetricsProvider

  getNodeUsage(query: NodeUsageQuery): NodeUsage[] {
    const names = query.names === undefined ? undefined : new Set(query.names);
    return [...this.nodes.values()].filter((n) =>
      names !== undefined ? names.has(n.name) : query.selector.matches(n.labels ?? {}),
    );
  }

  getPodUsage(query: PodUsageQuery): PodUsage[] {
    const names = query.names === undefined ? undefined : new Set(query.names);
    return [...this.pods.values()].filter(
      (p) =>
        (query.namespace === '' || p.namespace === query.namespace) &&
        (names !== undefined ? names.has(p.name) : query.selector.matches(p.labels ?? {})),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private customKey(c: StoredCustom): string {
    return [c.groupResourceKey, c.namespace, c.name, c.metric, labelsKey(c.metricLabels)].join(SEP);
  }

  private toStoredCustom(entry: CustomMetricEntry, what: string): StoredCustom {
    const groupResource = toGroupResource(entry.groupResource, `${what}: groupResource`);
    return {
      groupResource,
      groupResourceKey: formatGroupResource(groupResource),
      namespace: entry.namespace ?? '',
      name: requireName(entry.name, `${what}: name`),
      metric: requireName(entry.metric, `${what}: metric`),
      value: toQuantity(entry.value, `${what}: value`),
      labels: copyLabels(entry.labels),
      metricLabels: copyLabels(entry.metricLabels) ?? {},
      timestamp: entry.timestamp,
      windowSeconds: entry.windowSeconds,
    };
  }

  private toStoredExternal(entry: ExternalMetricEntry, what: string): StoredExternal {
    return {
      metric: requireName(entry.metric, `${what}: metric`),
      namespace: entry.namespace === '' ? undefined : entry.namespace,
      labels: copyLabels(entry.labels) ?? {},
      value: toQuantity(entry.value, `${what}: value`),
      timestamp: entry.timestamp,
      windowSeconds: entry.windowSeconds,
    };
  }

  private toNode(entry: NodeUsageEntry, what: string): NodeUsage {
    return {
      name: requireName(entry.name, `${what}: name`),
      labels: copyLabels(entry.labels),
      usage: usageOf(entry.usage, `${what}: usage`),
      timestamp: entry.timestamp,
      windowSeconds: entry.windowSeconds,
    };
  }

  private toPod(entry: PodUsageEntry, what: string): PodUsage {
    return {
      namespace: requireName(entry.namespace, `${what}: namespace`),
      name: requireName(entry.name, `${what}: name`),
      labels: copyLabels(entry.labels),
      containers: entry.containers.map((c, i) => ({
        name: requireName(c.name, `${what}: containers[${i}].name`),
        usage: usageOf(c.usage, `${what}: containers[${i}].usage`),
      })),
      timestamp: entry.timestamp,
      windowSeconds: entry.windowSeconds,
    };
  }

  /** Drops every derived view: the data changed. */
  private changed(): void {
    this.views.clear();
    this.version++;
  }

  /** A derived view, computed once per change of the data (at most 1000 kept). */
  private view<T>(key: string, compute: () => T): T {
    let value = this.views.get(key) as T | undefined;
    if (value === undefined) {
      value = compute();
      if (this.views.size >= 1000) this.views.clear();
      this.views.set(key, value);
    }
    return value;
  }

  private customSeries(
    groupResource: GroupResource,
    namespace: string,
    metric: string,
    metricSelector: LabelSelector,
  ): readonly StoredCustom[] {
    const wanted = formatGroupResource(groupResource);
    const all = this.view(['series', wanted, namespace, metric].join(SEP), () =>
      [...this.custom.values()].filter(
        (c) => c.metric === metric && c.namespace === namespace && c.groupResourceKey === wanted,
      ),
    );
    return metricSelector.isEmpty() ? all : all.filter((c) => metricSelector.matches(c.metricLabels));
  }

  /** The labels of each object of a resource in a namespace, merged over its series. */
  private objectLabels(groupResource: GroupResource, namespace: string): Map<string, Record<string, string>> {
    const wanted = formatGroupResource(groupResource);
    return this.view(['labels', wanted, namespace].join(SEP), () => {
      const labels = new Map<string, Record<string, string>>();
      for (const c of this.custom.values()) {
        if (c.namespace !== namespace || c.groupResourceKey !== wanted) continue;
        labels.set(c.name, { ...labels.get(c.name), ...c.labels });
      }
      return labels;
    });
  }

  /** Series of one object added up: the latest timestamp, the first window. */
  private sum(name: string, series: readonly StoredCustom[]): CustomMetricValue | undefined {
    const [first, ...rest] = series;
    if (first === undefined) return undefined;
    let value = first.value;
    let timestamp = first.timestamp;
    for (const s of rest) {
      value = value.add(s.value);
      timestamp = latest(timestamp, s.timestamp);
    }
    return { name, value, timestamp, windowSeconds: first.windowSeconds };
  }

  private listObjects(
    groupResource: GroupResource,
    namespace: string,
    selector: LabelSelector,
  ): ListedObject[] | undefined {
    const wanted = formatGroupResource(groupResource);
    const all = this.view(['objects', wanted].join(SEP), () => this.allObjects(wanted));
    if (all === null) return undefined;
    // The same answer (the same array) for the same question while the data is unchanged.
    return this.view(['listed', wanted, namespace, selector.toString()].join(SEP), () =>
      all.filter(
        (o) => (namespace === '' || (o.namespace ?? '') === namespace) && selector.matches(o.labels),
      ),
    );
  }

  /** Every object of a resource this provider has values for, labels merged; null when none. */
  private allObjects(wanted: string): ListedObject[] | null {
    const objects = new Map<string, ListedObject>();
    let known = false;
    const consider = (ns: string, name: string, labels: Readonly<Record<string, string>>): void => {
      known = true;
      const key = `${ns}/${name}`;
      const merged = { ...objects.get(key)?.labels, ...labels };
      objects.set(key, ns === '' ? { name, labels: merged } : { name, namespace: ns, labels: merged });
    };
    if (wanted === 'nodes') for (const n of this.nodes.values()) consider('', n.name, n.labels ?? {});
    if (wanted === 'pods') for (const p of this.pods.values()) consider(p.namespace, p.name, p.labels ?? {});
    for (const c of this.custom.values())
      if (c.groupResourceKey === wanted) consider(c.namespace, c.name, c.labels ?? {});
    return known ? [...objects.values()] : null;
  }
}
