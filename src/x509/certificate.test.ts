import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { distinguishedName, issueCertificate, newCertificateKey, splitHosts } from './certificate.js';
import { integer, ipAddressBytes, tlv } from './der.js';

describe('DER', () => {
  it('writes short and long lengths', () => {
    expect(tlv(0x04, Buffer.alloc(0x7f)).subarray(0, 2)).toEqual(Buffer.from([0x04, 0x7f]));
    expect(tlv(0x04, Buffer.alloc(0x80)).subarray(0, 3)).toEqual(Buffer.from([0x04, 0x81, 0x80]));
    expect(tlv(0x04, Buffer.alloc(0x1234)).subarray(0, 4)).toEqual(Buffer.from([0x04, 0x82, 0x12, 0x34]));
  });

  it('writes INTEGERs minimally, with a 0 before a high bit (Go rejects anything else)', () => {
    expect(integer(Buffer.from([0, 0, 5]))).toEqual(Buffer.from([0x02, 0x01, 0x05]));
    expect(integer(Buffer.from([0x80]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
    expect(integer(Buffer.from([0, 0x80]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
  });

  it('IP addresses: IPv4, IPv6 with and without ::', () => {
    expect(ipAddressBytes('10.0.0.1')).toEqual(Buffer.from([10, 0, 0, 1]));
    expect(ipAddressBytes('::1').toString('hex')).toBe('00000000000000000000000000000001');
    expect(ipAddressBytes('fd00::a:1').toString('hex')).toBe('fd0000000000000000000000000a0001');
    expect(ipAddressBytes('1:2:3:4:5:6:7:8').toString('hex')).toBe('00010002000300040005000600070008');
  });
});

describe('issueCertificate', () => {
  const caKey = newCertificateKey();
  const caName = distinguishedName('test-ca');
  const ca = new X509Certificate(issueCertificate({ subject: caName, key: caKey, profile: 'ca', days: 10 }));

  it('a CA is self-signed, CA:TRUE', () => {
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=test-ca');
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it('a server certificate carries its SANs and serverAuth, signed by the CA', () => {
    const key = newCertificateKey();
    const cert = new X509Certificate(
      issueCertificate({
        subject: distinguishedName('svc'),
        key,
        issuer: { name: caName, key: caKey },
        profile: 'server',
        days: 1,
        ...splitHosts(['svc.ns.svc', '127.0.0.1', 'fd00::1']),
      }),
    );
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName).toBe('DNS:svc.ns.svc, IP Address:127.0.0.1, IP Address:FD00:0:0:0:0:0:0:1');
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('validity past 2049 is written as GeneralizedTime and read back', () => {
    const key = newCertificateKey();
    const cert = new X509Certificate(
      issueCertificate({ subject: distinguishedName('long'), key, profile: 'ca', days: 40 * 365 }),
    );
    expect(new Date(cert.validTo).getUTCFullYear()).toBeGreaterThanOrEqual(2050);
  });
});
