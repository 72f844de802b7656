/**
 * Validation of configuration documents (YAML or JSON already parsed): walks one mapping at a time
 * and records every problem with its field path (`providers[0].url: …`) instead of stopping at the
 * first, so a user fixes a file in one pass. Unknown fields are problems (a typo must not silently
 * disable a setting), with a "did you mean" for near misses. Used by the server config and by
 * provider configs (the Prometheus provider's prometheus-adapter rules).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseGoDuration } from '../../client/index.js';
import { KubemetricsError } from '../../errors.js';

/** Walks one mapping, recording problems with field paths. */
export class ConfigFields {
  constructor(
    readonly value: Readonly<Record<string, unknown>>,
    readonly path: string,
    readonly problems: string[],
  ) {}

  static of(value: unknown, path: string, problems: string[], allowed: readonly string[]): ConfigFields {
    if (value === undefined || value === null) return new ConfigFields({}, path, problems);
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${path || '(top level)'}: expected a mapping, got ${describeConfigValue(value)}`);
      return new ConfigFields({}, path, problems);
    }
    const fields = new ConfigFields(value as Record<string, unknown>, path, problems);
    for (const key of Object.keys(value))
      if (!allowed.includes(key))
        problems.push(
          `${fields.at(key)}: unknown field${didYouMean(key, allowed)} (expected one of: ${allowed.join(', ')})`,
        );
    return fields;
  }

  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  string(key: string): string | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '') {
      this.problems.push(`${this.at(key)}: expected a non-empty string, got ${describeConfigValue(value)}`);
      return undefined;
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.value[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.problems.push(`${this.at(key)}: expected true or false, got ${describeConfigValue(value)}`);
      return fallback;
    }
    return value;
  }

  port(key: string, fallback: number): number {
    const value = this.value[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
      this.problems.push(
        `${this.at(key)}: expected a port number (0-65535), got ${describeConfigValue(value)}`,
      );
      return fallback;
    }
    return value;
  }

  strings(key: string): string[] | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.problems.push(`${this.at(key)}: expected a list of strings, got ${describeConfigValue(value)}`);
      return undefined;
    }
    const out: string[] = [];
    value.forEach((item, i) => {
      if (typeof item === 'string' && item !== '') out.push(item);
      else
        this.problems.push(
          `${this.at(key)}[${i}]: expected a non-empty string, got ${describeConfigValue(item)}`,
        );
    });
    return out;
  }

  /** A Go duration (`10s`, `1m30s`) in ms. */
  duration(key: string, fallback: string): number {
    const value = this.value[key] ?? fallback;
    const seconds = typeof value === 'string' ? parseGoDuration(value) : undefined;
    if (seconds === undefined || seconds < 0) {
      this.problems.push(
        `${this.at(key)}: expected a duration such as 10s or 1m, got ${describeConfigValue(value)}`,
      );
      return (parseGoDuration(fallback) ?? 0) * 1000;
    }
    return Math.round(seconds * 1000);
  }

  child(key: string, allowed: readonly string[]): ConfigFields {
    return ConfigFields.of(this.value[key], this.at(key), this.problems, allowed);
  }

  /** A list of mappings, each walked with `allowed`; `undefined` when absent. */
  children(key: string, allowed: readonly string[]): ConfigFields[] | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.problems.push(`${this.at(key)}: expected a list, got ${describeConfigValue(value)}`);
      return undefined;
    }
    return value.map((item, i) => ConfigFields.of(item, `${this.at(key)}[${i}]`, this.problems, allowed));
  }

  /** A mapping of strings to strings (headers, labels); `undefined` when absent. */
  stringMap(key: string): Record<string, string> | undefined {
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problems.push(`${this.at(key)}: expected a mapping of strings, got ${describeConfigValue(value)}`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      if (typeof item === 'string') out[name] = item;
      else this.problems.push(`${this.at(key)}.${name}: expected a string, got ${describeConfigValue(item)}`);
    }
    return out;
  }

  /** A whole number of at least `min`. */
  integer(key: string, fallback: number, min: number): number {
    const value = this.value[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.problems.push(
        `${this.at(key)}: expected a whole number of at least ${min}, got ${describeConfigValue(value)}`,
      );
      return fallback;
    }
    return value;
  }
}

export function describeConfigValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

/** Levenshtein distance, small inputs only (field names). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** ` (did you mean "metricsQuery"?)` for a near miss (case slips and up to two edits), else `''`. */
export function didYouMean(key: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance =
      candidate.toLowerCase() === key.toLowerCase()
        ? 0
        : editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.min(2, Math.floor(key.length / 3))
    ? ` (did you mean ${JSON.stringify(best)}?)`
    : '';
}

/**
 * Reads a YAML (or JSON) configuration file into a document for {@link ConfigFields}: a CONFIG
 * error names the file as `what` ("the config file", "the prometheus-adapter config") and, for an
 * unreadable file, carries `hint`. An empty file is an empty mapping.
 */
export function readYamlFile(path: string, what: string, hint: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `cannot read ${what} ${path}: ${(error as Error).message}`,
      {
        hint,
      },
    );
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `${what} ${path} is not valid YAML: ${(error as Error).message}`,
    );
  }
}
