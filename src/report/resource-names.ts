/**
 * Which resource names a cluster has, and checking the names a user asks for against them. A
 * report column for a name nobody has is a column of zeros that looks like a real answer
 * (`--resources CPU` summed nothing, silently): a name the cluster does not know is an error that
 * says which names it does know, with a suggestion when the typo is only a matter of case or
 * punctuation.
 */
import type { ReportInput } from './aggregate.js';
import { compareResourceNames, type ResourceAmounts } from './resource-amounts.js';

/** Most names an error message lists; a request can carry thousands. */
const MAX_LISTED = 10;

const known = new WeakMap<ReportInput, readonly string[]>();

function addNames(names: Set<string>, amounts: ResourceAmounts | undefined): void {
  if (amounts === undefined) return;
  for (const name in amounts) names.add(name);
}

/**
 * Every resource name in the input: node capacity and allocatable, pod requests and limits (a pod
 * may request an extended resource no node offers), and usage. Sorted as report columns are.
 * Pods sharing a resource spec are read once, and the answer is kept per input object (the
 * service's records object lives for one data generation), so a flood of requests costs one pass.
 */
export function clusterResourceNames(input: ReportInput): readonly string[] {
  const cached = known.get(input);
  if (cached !== undefined) return cached;
  const names = new Set<string>();
  for (const node of input.nodes) {
    addNames(names, node.capacity);
    addNames(names, node.allocatable);
  }
  const seen = new Set<object>();
  for (const pod of input.pods) {
    if (seen.has(pod.resources)) continue;
    seen.add(pod.resources);
    addNames(names, pod.resources.requests);
    addNames(names, pod.resources.limits);
  }
  for (const usage of input.nodeMetrics?.values() ?? []) addNames(names, usage.usage);
  const sorted = Object.freeze([...names].sort(compareResourceNames));
  known.set(input, sorted);
  return sorted;
}

/** Lower case, without `-`, `_`, `.` and `/`: `CPU`, `Memory` and `ephemeral_storage` find their name. */
function looseKey(name: string): string {
  return name.toLowerCase().replace(/[-_./]/g, '');
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

/**
 * The problem with `requested` names the cluster does not have, or `undefined` when all are
 * known. Names a suggestion for each near miss (`"CPU" (did you mean "cpu"?)`) and lists the
 * names the cluster has. Lists are cut to a few names, so the message stays small however many
 * names were asked for.
 */
export function unknownResourcesProblem(
  requested: readonly string[],
  clusterNames: readonly string[],
): string | undefined {
  const have = new Set(clusterNames);
  const unknown = [...new Set(requested.filter((name) => !have.has(name)))];
  if (unknown.length === 0) return undefined;
  const byKey = new Map(clusterNames.map((name) => [looseKey(name), name]));
  const described = unknown.map((name) => {
    const near = byKey.get(looseKey(name));
    return near === undefined ? JSON.stringify(name) : `${JSON.stringify(name)} (did you mean "${near}"?)`;
  });
  const what = unknown.length === 1 ? 'resource' : `${unknown.length} resources`;
  const has =
    clusterNames.length === 0
      ? 'the cluster reports no resources'
      : `the cluster has ${listed(clusterNames)}`;
  return `unknown ${what} ${listed(described)}: ${has}`;
}
