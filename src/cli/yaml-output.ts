/**
 * `-o yaml`, in a module of its own so that output.ts can import it only when asked: the YAML
 * writer is the largest module a command would otherwise load at every start.
 */
import { stringify } from 'yaml';

/** YAML of a plain object, without line folding (a long value stays on one line, as kubectl's). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
