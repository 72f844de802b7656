/** The `-o/--output` formats and writing structured output. */
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

/** Validates `-o` against the formats a command supports; `table` when not given. */
export function parseOutput<T extends string>(
  value: unknown,
  allowed: readonly T[],
  command: string,
): T | 'table' {
  if (value === undefined) return 'table';
  if (typeof value === 'string' && (value === 'table' || (allowed as readonly string[]).includes(value))) {
    return value as T | 'table';
  }
  throw new UsageError(
    `unknown output format ${JSON.stringify(value)}; expected one of: table, ${allowed.join(', ')}`,
    command,
  );
}

/** JSON (2-space indent) or YAML of a plain object (yaml-output.ts, loaded for `-o yaml` only). */
export async function writeStructured(io: CliIO, format: 'json' | 'yaml', value: unknown): Promise<void> {
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const { toYaml } = await import('./yaml-output.js');
  io.stdout.write(toYaml(value));
}
