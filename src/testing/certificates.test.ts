import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from './certificates.js';

describe('certificates (pure node:crypto DER)', () => {
  const ca = createCertificateAuthority();
  const caCert = new X509Certificate(ca.certPem);

  it('makes a self-signed CA', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=kubemetrics-test-ca');
    expect(caCert.verify(caCert.publicKey)).toBe(true);
  });

  it('issues a server certificate with IP and DNS SANs that verifies against the CA', () => {
    const pair = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
    const cert = new X509Certificate(pair.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    // The key matches the certificate.
    expect(createPublicKey(createPrivateKey(pair.keyPem)).export({ format: 'pem', type: 'spki' })).toBe(
      cert.publicKey.export({ format: 'pem', type: 'spki' }),
    );
  });

  it('issues client certificates with CN = user and O = groups', () => {
    const cert = new X509Certificate(issueClientCertificate(ca, 'alice', ['dev', 'ops']).certPem);
    expect(cert.subject.split('\n')).toEqual(['O=dev', 'O=ops', 'CN=alice']);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });
});
