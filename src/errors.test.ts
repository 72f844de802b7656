import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, KubemetricsError, isKubemetricsError } from './errors.js';

describe('error catalogue', () => {
  it('docs/errors.md lists exactly the codes in ERROR_CODES', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/`(KUBEMETRICS_ERR_[A-Z_]+)`/g)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('carries code, hint and cause', () => {
    const cause = new Error('inner');
    const error = new KubemetricsError('KUBEMETRICS_ERR_CONFIG', 'no kubeconfig', {
      hint: 'set KUBECONFIG',
      cause,
    });
    expect(isKubemetricsError(error)).toBe(true);
    expect(error.code).toBe('KUBEMETRICS_ERR_CONFIG');
    expect(error.hint).toBe('set KUBECONFIG');
    expect(error.cause).toBe(cause);
    expect(isKubemetricsError(new Error('x'))).toBe(false);
  });
});
