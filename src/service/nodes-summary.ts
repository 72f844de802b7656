/**
 * The per-node summary the service answers on `GET /` (JSON) and `/api/v1/nodes-summary`: the
 * shape published by the "Exploring Kubernetes from within Kubernetes with Python" series (the
 * pykles service), kept field for field so its consumers can switch over, plus `Usage`.
 *
 * CPU is in millicores and RAM in bytes. `Capacity`/`Allocatable` are integers (rounded up, as
 * `Quantity.MilliValue()`/`Value()` do); `InstrumentedValue` and `Percent` are floats written with
 * a decimal point (`750.0`), as the original Python service's `json.dumps` wrote them. Percent is
 * of allocatable, computed exactly and rounded once; `null` when allocatable is zero. `Usage` is
 * `null` for a node without metrics (metrics-server has no sample yet, or is not installed):
 * unknown, never 0.
 */
import { buildReport, rowAmount, rowPercent, type NodeRow, type ReportInput } from '../report/index.js';

const NANOS_PER_UNIT = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;

/** `InstrumentedValue` + `Percent` of one measure. */
export interface SummaryAmount {
  readonly InstrumentedValue: number;
  readonly Percent: number | null;
}

/** One resource (CPU or RAM) of one node. */
export interface SummaryResource {
  readonly Capacity: number;
  readonly Allocatable: number;
  readonly Requests: SummaryAmount;
  readonly Limits: SummaryAmount;
  /** `null`: no metrics for this node. */
  readonly Usage: SummaryAmount | null;
}

/** One node of the summary. */
export interface SummaryNode {
  readonly NodeName: string;
  readonly CPU: SummaryResource;
  readonly RAM: SummaryResource;
}

/** The whole summary document. */
export interface NodesSummary {
  readonly Nodes: readonly SummaryNode[];
}

function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d > 0n ? q + 1n : q;
}

/** nanos / unit as a float, without losing precision on values above 2^53 nanos. */
function ratio(nanos: bigint, unit: bigint): number {
  return Number(nanos / unit) + Number(nanos % unit) / Number(unit);
}

function resource(row: NodeRow, name: 'cpu' | 'memory'): SummaryResource {
  const unit = name === 'cpu' ? NANOS_PER_MILLI : NANOS_PER_UNIT;
  const amount = (measure: 'requests' | 'limits' | 'usage'): SummaryAmount | null => {
    const nanos = rowAmount(row, measure, name);
    if (nanos === undefined) return null;
    return {
      InstrumentedValue: ratio(nanos, unit),
      Percent: rowPercent(row, measure, name)?.toNumber() ?? null,
    };
  };
  const zero: SummaryAmount = { InstrumentedValue: 0, Percent: null };
  return {
    Capacity: Number(ceilDiv(rowAmount(row, 'capacity', name) ?? 0n, unit)),
    Allocatable: Number(ceilDiv(rowAmount(row, 'allocatable', name) ?? 0n, unit)),
    // Aggregate rows always have requests and limits (0 when nothing is set).
    Requests: amount('requests') ?? zero,
    Limits: amount('limits') ?? zero,
    Usage: row.usage === undefined ? null : amount('usage'),
  };
}

/** Builds the summary from the report rows (the same rules as `kubemetrics capacity`). */
export function nodesSummary(input: ReportInput): NodesSummary {
  const model = buildReport(input, { resources: ['cpu', 'memory'], levels: ['cluster', 'node'] });
  return {
    Nodes: model.nodes.map((row) => ({
      NodeName: row.name,
      CPU: resource(row, 'cpu'),
      RAM: resource(row, 'memory'),
    })),
  };
}

const FLOAT_KEYS = new Set(['InstrumentedValue', 'Percent']);

/** A float as Python's `repr` writes it: integral values keep a `.0` (`750.0`). */
function pythonFloat(value: number): string {
  const text = JSON.stringify(value);
  return Number.isInteger(value) && !/[.e]/i.test(text) ? `${text}.0` : text;
}

/**
 * The summary as JSON text, with `InstrumentedValue` and `Percent` written as floats (`750.0`)
 * like the original service, and every other number as an integer.
 */
export function encodeNodesSummary(summary: NodesSummary): string {
  // Floats go through a quoted placeholder (NUL cannot occur in Kubernetes names), then unquoted.
  return JSON.stringify(summary, (key, value: unknown) =>
    FLOAT_KEYS.has(key) && typeof value === 'number' ? `\u0000float:${pythonFloat(value)}` : value,
  ).replace(/"\\u0000float:([^"]*)"/g, '$1');
}
