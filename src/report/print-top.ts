/**
 * Printing `top` rows: kubectl's table columns, and plain objects for JSON/YAML that carry raw
 * numbers (cores, bytes) next to canonical quantities, never only preformatted strings.
 */
import { toPlainQuantity, type PlainQuantity } from './plain-report.js';
import type { ResourceAmounts } from './resource-amounts.js';
import { formatTopCpu, formatTopMemory, type TopNodeRow, type TopPodRow } from './top.js';

const UNKNOWN = '<unknown>';

function percentCell(p: number | undefined): string {
  return p === undefined ? '-' : `${p}%`;
}

function amountCell(amounts: ResourceAmounts | undefined, resource: 'cpu' | 'memory'): string {
  const nanos = amounts?.[resource];
  if (nanos === undefined) return resource === 'cpu' ? '0m' : '0Mi';
  return resource === 'cpu' ? formatTopCpu(nanos) : formatTopMemory(nanos);
}

export interface TopTable {
  readonly headers: string[];
  readonly rows: string[][];
}

/** `NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%)`, plus allocatable and window with `wide`. */
export function topNodesTable(rows: readonly TopNodeRow[], wide = false, showCapacity = false): TopTable {
  const headers = ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'];
  const basis = showCapacity ? 'CAPACITY' : 'ALLOCATABLE';
  if (wide) headers.push(`CPU(${basis.toLowerCase()})`, `MEMORY(${basis.toLowerCase()})`, 'WINDOW');
  return {
    headers,
    rows: rows.map((r) => {
      const cells =
        r.usage === undefined
          ? [r.name, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]
          : [
              r.name,
              amountCell(r.usage, 'cpu'),
              percentCell(r.cpuPercent),
              amountCell(r.usage, 'memory'),
              percentCell(r.memoryPercent),
            ];
      if (wide) {
        const cpu = r.available?.['cpu'];
        const memory = r.available?.['memory'];
        cells.push(
          cpu === undefined ? '-' : formatTopCpu(cpu),
          memory === undefined ? '-' : formatTopMemory(memory),
          r.window ?? '-',
        );
      }
      return cells;
    }),
  };
}

export interface TopPodsTableOptions {
  readonly withNamespace: boolean;
  readonly containers: boolean;
  readonly sum: boolean;
  readonly wide: boolean;
}

/** kubectl's pod columns; `--containers` adds POD, `--sum` a total line under the figures. */
export function topPodsTable(rows: readonly TopPodRow[], options: TopPodsTableOptions): TopTable {
  const headers: string[] = [];
  if (options.withNamespace) headers.push('NAMESPACE');
  if (options.containers) headers.push('POD');
  headers.push('NAME', 'CPU(cores)', 'MEMORY(bytes)');
  if (options.wide) headers.push('WINDOW', 'TIMESTAMP');
  const out: string[][] = [];
  const total: Record<'cpu' | 'memory', bigint> = { cpu: 0n, memory: 0n };
  for (const r of rows) {
    total.cpu += r.usage['cpu'] ?? 0n;
    total.memory += r.usage['memory'] ?? 0n;
    const lines = options.containers ? r.containers.map((c) => ({ name: c.name, usage: c.usage })) : [r];
    for (const line of lines) {
      const cells: string[] = [];
      if (options.withNamespace) cells.push(r.namespace);
      if (options.containers) cells.push(r.name);
      cells.push(line.name, amountCell(line.usage, 'cpu'), amountCell(line.usage, 'memory'));
      if (options.wide) cells.push(r.window ?? '-', r.timestamp ?? '-');
      out.push(cells);
    }
  }
  if (options.sum && rows.length > 0) {
    const lead = headers.length - (options.wide ? 4 : 2);
    const blank = (n: number) => Array.from({ length: n }, () => '');
    out.push([...blank(lead), '________', '________', ...blank(options.wide ? 2 : 0)]);
    out.push([
      ...blank(lead),
      formatTopCpu(total.cpu),
      formatTopMemory(total.memory),
      ...blank(options.wide ? 2 : 0),
    ]);
  }
  return { headers, rows: out };
}

function plainUsage(usage: ResourceAmounts | undefined): Record<string, PlainQuantity> | null {
  if (usage === undefined) return null;
  const out: Record<string, PlainQuantity> = {};
  for (const name of Object.keys(usage).sort()) out[name] = toPlainQuantity(name, usage[name]!);
  return out;
}

/** JSON/YAML form of `top nodes`: usage `null` means "no metrics". */
export function topNodesPlain(rows: readonly TopNodeRow[]): object {
  return {
    kind: 'TopNodes',
    items: rows.map((r) => ({
      name: r.name,
      usage: plainUsage(r.usage),
      available: plainUsage(r.available),
      // Exact, like capacity's JSON; the table prints kubectl's truncated integers.
      percent: {
        cpu: r.exactPercent.cpu?.toNumber() ?? null,
        memory: r.exactPercent.memory?.toNumber() ?? null,
      },
      timestamp: r.timestamp ?? null,
      window: r.window ?? null,
    })),
  };
}

/** JSON/YAML form of `top pods`. */
export function topPodsPlain(rows: readonly TopPodRow[]): object {
  return {
    kind: 'TopPods',
    items: rows.map((r) => ({
      namespace: r.namespace,
      name: r.name,
      usage: plainUsage(r.usage),
      containers: r.containers.map((c) => ({ name: c.name, usage: plainUsage(c.usage) })),
      timestamp: r.timestamp ?? null,
      window: r.window ?? null,
    })),
  };
}
