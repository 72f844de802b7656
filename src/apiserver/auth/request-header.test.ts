import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../testing/index.js';
import { CertificateBundle } from './client-certificate.js';
import { userFromHeaders } from './request-header.js';
import type { RequestHeaderConfig } from './request-header.js';

const config: RequestHeaderConfig = {
  ca: CertificateBundle.parse(createCertificateAuthority().certPem, 'ca'),
  allowedNames: [],
  usernameHeaders: ['X-Remote-User', 'X-Forwarded-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
};

/** What Node gives a handler: lower-cased names, one array entry per header line. */
const request = (headers: Record<string, string[]>): IncomingMessage =>
  ({ headersDistinct: headers }) as unknown as IncomingMessage;

describe('userFromHeaders (k8s.io/apiserver headerrequest)', () => {
  it('user from the first username header present, every group line, extras by lower-cased unescaped key', () => {
    const user = userFromHeaders(
      request({
        'x-forwarded-user': ['second-choice'],
        'x-remote-user': ['system:kube-aggregator'],
        'x-remote-group': ['system:masters', 'a, b'],
        'x-remote-extra-scopes': ['read', 'write'],
        'x-remote-extra-acme.com%2fproject': ['p1'],
      }),
      config,
    );
    expect(user).toEqual({
      username: 'system:kube-aggregator',
      groups: ['system:masters', 'a, b'],
      extra: { scopes: ['read', 'write'], 'acme.com/project': ['p1'] },
    });
  });

  it('no username header (or an empty one): undefined, so other authenticators get their turn', () => {
    expect(userFromHeaders(request({ 'x-remote-group': ['g'] }), config)).toBeUndefined();
    expect(userFromHeaders(request({ 'x-remote-user': [''] }), config)).toBeUndefined();
  });
});
