import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../testing/index.js';
import { parseClusterAuthentication } from './extension-apiserver-authentication.js';

const ca = createCertificateAuthority();

describe('parseClusterAuthentication (kube-system/extension-apiserver-authentication)', () => {
  it('reads the CAs and the JSON-encoded lists kube-apiserver writes', () => {
    const { config, problems } = parseClusterAuthentication({
      'client-ca-file': ca.certPem,
      'requestheader-client-ca-file': ca.certPem,
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    });
    expect(problems).toEqual([]);
    expect(config.clientCA?.certificates).toHaveLength(1);
    expect(config.requestHeader).toMatchObject({
      allowedNames: ['front-proxy-client'],
      usernameHeaders: ['X-Remote-User'],
      extraHeaderPrefixes: ['X-Remote-Extra-'],
    });
  });

  it('without the front-proxy CA there is no front proxy; bad values are reported, not fatal', () => {
    const { config, problems } = parseClusterAuthentication({
      'client-ca-file': 'garbage',
      'requestheader-allowed-names': 'front-proxy-client',
    });
    expect(config).toEqual({ clientCA: undefined, requestHeader: undefined });
    expect(problems).toEqual(['ConfigMap key client-ca-file holds no PEM certificate']);
  });
});
