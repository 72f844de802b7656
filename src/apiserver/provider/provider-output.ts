/**
 * Checks on what providers return, at the edge: a provider bug (a number where a Quantity belongs,
 * an invalid Date, `null` instead of an array) becomes a 500 that names the provider method and the
 * field, instead of a `TypeError` deep in the encoder or, worse, a malformed answer.
 */
import { Quantity } from '../../quantity/index.js';
import { describeThrown } from './status-error.js';
import type { ResourceUsage } from './provider.js';

/** A provider answered with something the contract does not allow. */
export class ProviderContractError extends Error {
  constructor(method: string, problem: string) {
    super(`${method} returned an invalid answer: ${problem}`);
    this.name = 'ProviderContractError';
  }
}

export function expectArray(method: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value))
    throw new ProviderContractError(method, `expected an array, got ${describeThrown(value)}`);
  return value;
}

export function expectObject(method: string, what: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProviderContractError(method, `${what} must be an object, got ${describeThrown(value)}`);
  return value as Record<string, unknown>;
}

export function expectString(method: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw new ProviderContractError(
      method,
      `${what} must be a non-empty string, got ${describeThrown(value)}`,
    );
  return value;
}

export function expectQuantity(method: string, what: string, value: unknown): Quantity {
  if (!Quantity.isQuantity(value))
    throw new ProviderContractError(
      method,
      `${what} must be a Quantity (use parseQuantity("250m") or Quantity.fromMilli(250)), got ${describeThrown(value)}`,
    );
  return value;
}

/** The value's timestamp, or `now` when it has none. */
export function timestampOr(method: string, what: string, value: unknown, now: Date): Date {
  if (value === undefined) return now;
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new ProviderContractError(
      method,
      `${what}.timestamp must be a valid Date, got ${describeThrown(value)}`,
    );
  return value;
}

export function optionalWindow(method: string, what: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ProviderContractError(
      method,
      `${what}.windowSeconds must be a non-negative number, got ${describeThrown(value)}`,
    );
  return value;
}

export function optionalLabels(
  method: string,
  what: string,
  value: unknown,
): Readonly<Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  const labels = expectObject(method, what, value);
  for (const [key, label] of Object.entries(labels))
    if (typeof label !== 'string')
      throw new ProviderContractError(method, `${what}["${key}"] must be a string`);
  return labels as Record<string, string>;
}

export function expectUsage(method: string, what: string, value: unknown): ResourceUsage {
  const usage = expectObject(method, what, value);
  for (const [name, amount] of Object.entries(usage)) expectQuantity(method, `${what}.${name}`, amount);
  return usage as ResourceUsage;
}
