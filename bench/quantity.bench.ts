/**
 * Quantity parsing and formatting: kubemetrics' exact Quantity against the alternative a
 * TypeScript user would reach for, `quantityToScalar` from @kubernetes/client-node (which returns
 * a float or a bigint and has no formatter).
 *
 *     node --import tsx bench/quantity.bench.ts     # this benchmark alone, prints a table
 *     npm run bench -- quantity                      # through bench/run.ts
 *
 * Method: warm both sides up, then alternate them for several rounds over the same realistic mix
 * and report the median ops/s of each, so a GC pause or a frequency change hits one round, not
 * one side.
 */
import { pathToFileURL } from 'node:url';
// client-node 1.4 does not re-export its util module from the package root; the package has no
// "exports" map, so the deep import is the supported way to reach quantityToScalar and add.
import { add as scalarAdd, quantityToScalar } from '@kubernetes/client-node/dist/util.js';
import { Quantity, parseQuantity } from '../src/quantity/index.js';

/** One line of the result table. */
export interface BenchRow {
  name: string;
  opsPerSec: number;
  note?: string;
}

/**
 * Values as the API server returns them for pods, nodes and metrics: CPU requests, memory
 * requests, node capacity in Ki, metrics-server usage in n and Ki, and the odd non-canonical "1.5".
 */
export const REALISTIC_MIX: readonly string[] = [
  '100m',
  '250m',
  '500m',
  '1',
  '2',
  '1.5',
  '128Mi',
  '256Mi',
  '512Mi',
  '1Gi',
  '123456789n',
  '2841723n',
  '16393244Ki',
  '48312Ki',
  '8',
  '110',
];

const ROUNDS = 15;
const WARMUP_ROUNDS = 3;
const OPS_PER_ROUND = 200_000;
const PODS = 150_000;

// Results are folded into this so the engine cannot drop the work as dead code.
let sink = 0;

type Body = (inputs: readonly string[], ops: number) => void;

interface Case {
  name: string;
  body: Body;
  ops: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function timeOnce(c: Case, inputs: readonly string[]): number {
  gc?.();
  const start = process.hrtime.bigint();
  c.body(inputs, c.ops);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return c.ops / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs the cases interleaved, round by round, and returns each one's median ops/s. */
function compare(cases: readonly Case[], inputs: readonly string[]): number[] {
  for (let r = 0; r < WARMUP_ROUNDS; r++) for (const c of cases) timeOnce(c, inputs);
  const samples = cases.map((): number[] => []);
  for (let r = 0; r < ROUNDS; r++) {
    cases.forEach((c, i) => samples[i]?.push(timeOnce(c, inputs)));
  }
  return samples.map(median);
}

const oursParse: Body = (inputs, ops) => {
  const n = inputs.length;
  let acc = 0;
  for (let i = 0; i < ops; i++) if (parseQuantity(inputs[i % n]!).nanos > 0n) acc++;
  sink += acc;
};

const theirsParse: Body = (inputs, ops) => {
  const n = inputs.length;
  let acc = 0;
  for (let i = 0; i < ops; i++) if (quantityToScalar(inputs[i % n]!) > 0) acc++;
  sink += acc;
};

const oursParseFormat: Body = (inputs, ops) => {
  const n = inputs.length;
  let acc = 0;
  for (let i = 0; i < ops; i++) acc += parseQuantity(inputs[i % n]!).toString().length;
  sink += acc;
};

const theirsParseFormat: Body = (inputs, ops) => {
  const n = inputs.length;
  let acc = 0;
  for (let i = 0; i < ops; i++) acc += String(quantityToScalar(inputs[i % n]!)).length;
  sink += acc;
};

// Formatting values that were computed rather than parsed (no cached text), e.g. report totals.
const COMPUTED = REALISTIC_MIX.map((s) => parseQuantity(s).mul(3));
const oursFormatComputed: Body = (_inputs, ops) => {
  const n = COMPUTED.length;
  let acc = 0;
  for (let i = 0; i < ops; i++) {
    const q = COMPUTED[i % n]!;
    acc += Quantity.fromNano(q.nanos, q.format).toString().length;
  }
  sink += acc;
};

// A capacity report's inner loop: per pod, two containers, each with a CPU and a memory request.
const POD_CPU = ['100m', '250m', '500m', '1', '2', '1500m'];
const POD_MEMORY = ['64Mi', '128Mi', '256Mi', '512Mi', '1Gi', '1536Mi'];

const oursSumPods: Body = (_inputs, pods) => {
  let cpu = Quantity.zero();
  let memory = Quantity.zero();
  for (let p = 0; p < pods; p++) {
    for (let c = 0; c < 2; c++) {
      const k = (p + c) % 6;
      cpu = cpu.add(parseQuantity(POD_CPU[k]!));
      memory = memory.add(parseQuantity(POD_MEMORY[k]!));
    }
  }
  sink += cpu.toString().length + memory.toString().length;
};

const theirsSumPods: Body = (_inputs, pods) => {
  let cpu: number | bigint = 0;
  let memory: number | bigint = 0;
  for (let p = 0; p < pods; p++) {
    for (let c = 0; c < 2; c++) {
      const k = (p + c) % 6;
      cpu = scalarAdd(cpu, quantityToScalar(POD_CPU[k]!));
      memory = scalarAdd(memory, quantityToScalar(POD_MEMORY[k]!));
    }
  }
  sink += String(cpu).length + String(memory).length;
};

/** Concrete cases where the float-based result differs from the exact one. */
export function exactnessNotes(): string[] {
  const notes: string[] = [];
  const big = '123456789123456789n';
  notes.push(
    `quantityToScalar('${big}') = ${String(quantityToScalar(big))}; ` +
      `kubemetrics keeps ${parseQuantity(big).toString()} (${parseQuantity(big).toDecimal()})`,
  );
  const floatSum = scalarAdd(quantityToScalar('100m'), quantityToScalar('200m'));
  notes.push(
    `'100m' + '200m' with quantityToScalar = ${String(floatSum)}; ` +
      `kubemetrics = ${parseQuantity('100m').add(parseQuantity('200m')).toString()}`,
  );
  const mixed = scalarAdd(quantityToScalar('1Ki'), quantityToScalar('1.5'));
  notes.push(
    `client-node add('1Ki', '1.5') = ${String(mixed)} (it rounds the float to mix it with a bigint); ` +
      `kubemetrics = ${parseQuantity('1Ki').add(parseQuantity('1.5')).toDecimal()}`,
  );
  try {
    notes.push(`quantityToScalar('1.5Gi') = ${String(quantityToScalar('1.5Gi'))}`);
  } catch (error) {
    notes.push(
      `quantityToScalar('1.5Gi') throws ${(error as Error).name}; kubemetrics = ${parseQuantity('1.5Gi').toString()}`,
    );
  }
  return notes;
}

function ratio(ours: number, theirs: number): string {
  return `${(ours / theirs).toFixed(2)}x client-node`;
}

/** Runs the benchmark and returns one row per measured case. */
export async function run(): Promise<BenchRow[]> {
  const inputs = REALISTIC_MIX;
  const ops = OPS_PER_ROUND;
  const [parseOurs = 0, parseTheirs = 0, formatOurs = 0, formatTheirs = 0] = compare(
    [
      { name: 'parse ours', body: oursParse, ops },
      { name: 'parse theirs', body: theirsParse, ops },
      { name: 'parse+format ours', body: oursParseFormat, ops },
      { name: 'parse+format theirs', body: theirsParseFormat, ops },
    ],
    inputs,
  );
  const [computed = 0] = compare([{ name: 'format computed', body: oursFormatComputed, ops }], inputs);
  const [podsOurs = 0, podsTheirs = 0] = compare(
    [
      { name: 'pods ours', body: oursSumPods, ops: PODS },
      { name: 'pods theirs', body: theirsSumPods, ops: PODS },
    ],
    inputs,
  );
  const notes = exactnessNotes();
  await Promise.resolve();
  return [
    { name: 'parse: kubemetrics parseQuantity', opsPerSec: parseOurs, note: ratio(parseOurs, parseTheirs) },
    {
      name: 'parse: client-node quantityToScalar',
      opsPerSec: parseTheirs,
      note: 'float or bigint result; ' + (notes[0] ?? ''),
    },
    {
      name: 'parse+format: kubemetrics parseQuantity().toString()',
      opsPerSec: formatOurs,
      note: `${ratio(formatOurs, formatTheirs)}; canonical text (verbatim when the input already is canonical)`,
    },
    {
      name: 'parse+format: client-node String(quantityToScalar())',
      opsPerSec: formatTheirs,
      note: 'no Kubernetes formatter; prints "0.1", "134217728"',
    },
    {
      name: 'format computed values: kubemetrics toString() uncached',
      opsPerSec: computed,
      note: 'construct + canonical formatting of report totals',
    },
    {
      name: `report loop: parse+sum CPU and memory, 2 containers/pod (pods/s)`,
      opsPerSec: podsOurs,
      note: ratio(podsOurs, podsTheirs),
    },
    {
      name: 'report loop: client-node quantityToScalar + add (pods/s)',
      opsPerSec: podsTheirs,
      note: notes[1] ?? '',
    },
  ];
}

function printTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [r.name, Math.round(r.opsPerSec).toLocaleString('en-US'), r.note ?? '']);
  const header = ['name', 'ops/s (median)', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (values: string[]): string =>
    `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`mix: ${REALISTIC_MIX.join(' ')}\n`);
  console.log(printTable(await run()));
  console.log('\nExactness (quantityToScalar returns floats):');
  for (const note of exactnessNotes()) console.log(`- ${note}`);
  if (sink === -1) console.log(sink); // keeps `sink` observable
}
