import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from '../../testing/index.js';
import { CertificateBundle, subjectNames, verifyClientChain } from './client-certificate.js';

const ca = createCertificateAuthority('front-proxy-ca');
const other = createCertificateAuthority('other-ca');
const bundle = CertificateBundle.parse(other.certPem + ca.certPem, 'test bundle');
const chainOf = (pem: string): X509Certificate[] => [new X509Certificate(pem)];

describe('verifyClientChain (k8s.io/apiserver authentication/request/x509 semantics)', () => {
  it.each([
    [
      'a certificate issued by a CA of the bundle',
      issueClientCertificate(ca, 'front-proxy-client').certPem,
      true,
    ],
    [
      'one from a CA outside the bundle',
      issueClientCertificate(createCertificateAuthority('x'), 'u').certPem,
      false,
    ],
    [
      'a server-only certificate (extended key usage without clientAuth)',
      issueServerCertificate(ca, { dnsNames: ['a'] }).certPem,
      false,
    ],
  ])('%s', (_what, pem, ok) => {
    expect(verifyClientChain(chainOf(pem), bundle).ok).toBe(ok);
  });

  it('rejects certificates outside their validity period and empty chains', () => {
    const pem = issueClientCertificate(ca, 'u').certPem;
    const inTenYears = Date.now() + 10 * 365 * 86_400_000;
    expect(verifyClientChain(chainOf(pem), bundle, inTenYears)).toMatchObject({
      ok: false,
      reason: /validity/,
    });
    expect(verifyClientChain([], bundle)).toMatchObject({ ok: false, reason: 'no client certificate' });
  });

  it('a CA certificate presented as a leaf does not verify against another CA', () => {
    expect(verifyClientChain(chainOf(other.certPem), CertificateBundle.parse(ca.certPem, 'b')).ok).toBe(
      false,
    );
  });

  it('reads the user from CN and the groups from O', () => {
    const cert = new X509Certificate(
      issueClientCertificate(ca, 'jane', ['system:masters', 'team-a']).certPem,
    );
    expect(subjectNames(cert)).toEqual({ commonName: 'jane', organizations: ['system:masters', 'team-a'] });
  });

  it('CertificateBundle.parse names the source of a bad bundle', () => {
    expect(() => CertificateBundle.parse('nothing here', '--client-ca-file /x')).toThrow(
      /--client-ca-file \/x holds no PEM certificate/,
    );
  });
});
