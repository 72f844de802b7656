import { describe, expect, it } from 'vitest';
import { isSensitiveParameter, redactRequestTarget } from './redact-query.js';

describe('redactRequestTarget', () => {
  it.each([
    ['/api/v1/capacity?by=node', '/api/v1/capacity?by=node'],
    ['/x?access_token=abc&by=node', '/x?access_token=REDACTED&by=node'],
    ['/x?token=abc', '/x?token=REDACTED'],
    ['/x?id_token=a&refresh_token=b', '/x?id_token=REDACTED&refresh_token=REDACTED'],
    [
      '/x?Password=a&client_secret=b&api-key=c&apikey=d',
      '/x?Password=REDACTED&client_secret=REDACTED&api-key=REDACTED&apikey=REDACTED',
    ],
    // Encoded names are matched decoded; other parameters keep their encoding as sent.
    ['/x?acc%65ss_token=a&labelSelector=app%3Dweb', '/x?acc%65ss_token=REDACTED&labelSelector=app%3Dweb'],
    ['/x?my+token=a', '/x?my+token=REDACTED'],
    // Malformed escapes never throw.
    ['/x?%zztoken=a&b=%zz', '/x?%zztoken=REDACTED&b=%zz'],
    ['/x?token', '/x?token'],
    ['/x?', '/x?'],
    ['/x', '/x'],
    ['/x?a=1&&token=2', '/x?a=1&&token=REDACTED'],
  ])('%s → %s', (input, expected) => {
    expect(redactRequestTarget(input)).toBe(expected);
  });

  it('names that only look alike are kept', () => {
    for (const name of [
      'by',
      'labelSelector',
      'fieldSelector',
      'limit',
      'continue',
      'resourceVersion',
      'pretty',
    ])
      expect(isSensitiveParameter(name), name).toBe(false);
  });
});
