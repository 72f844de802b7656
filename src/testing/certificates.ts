/**
 * X.509 certificates for the test cluster (no openssl binary, no npm package; written by
 * src/x509, the same writer as the API server's generated serving certificate). The CA signs one
 * server certificate (SANs for the listen address, `localhost` and 127.0.0.1) and one client
 * certificate per user; Kubernetes reads the user name from the subject CN and the groups from the
 * O attributes.
 */
import type { KeyObject } from 'node:crypto';
import { distinguishedName, issueCertificate, newCertificateKey } from '../x509/index.js';

/** A PEM certificate and its PKCS#8 PEM private key. */
export interface KeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A self-signed CA that can issue further certificates. */
export interface CertificateAuthority extends KeyPair {
  /** @internal DER of the CA's subject Name, the issuer of every certificate it signs. */
  readonly subjectDer: Buffer;
  /** @internal Subject key identifier, repeated as the authority key identifier of issued certificates. */
  readonly keyId: Buffer;
  /** @internal */
  readonly privateKey: KeyObject;
}

/** Creates a self-signed CA (basicConstraints CA:TRUE, keyCertSign), valid for ten years. */
export function createCertificateAuthority(commonName = 'kubemetrics-test-ca'): CertificateAuthority {
  const key = newCertificateKey();
  const subject = distinguishedName(commonName);
  const certPem = issueCertificate({ subject, key, profile: 'ca', days: 3650 });
  return { certPem, keyPem: key.keyPem, subjectDer: subject, keyId: key.keyId, privateKey: key.privateKey };
}

function issue(
  ca: CertificateAuthority,
  commonName: string,
  organizations: readonly string[],
  profile: 'server' | 'client',
  sans: { dnsNames: readonly string[]; ipAddresses: readonly string[] },
  days = 365,
): KeyPair {
  const key = newCertificateKey();
  const certPem = issueCertificate({
    subject: distinguishedName(commonName, organizations),
    key,
    issuer: { name: ca.subjectDer, key: ca },
    profile,
    days,
    ...sans,
  });
  return { certPem, keyPem: key.keyPem };
}
/**
 * A TLS server certificate signed by `ca` for the given host names and IP addresses (Go clients,
 * kubectl among them, check only the SANs, never the CN).
 */
export function issueServerCertificate(
  ca: CertificateAuthority,
  hosts: {
    dnsNames?: readonly string[];
    ipAddresses?: readonly string[];
    /** Days from now until it expires (default 365); 0 or less gives an already expired certificate. */
    notAfterDays?: number;
  },
): KeyPair {
  return issue(
    ca,
    hosts.dnsNames?.[0] ?? hosts.ipAddresses?.[0] ?? 'kubemetrics-test',
    [],
    'server',
    { dnsNames: hosts.dnsNames ?? [], ipAddresses: hosts.ipAddresses ?? [] },
    hosts.notAfterDays,
  );
}

/** A client certificate the test cluster maps to user `CN=userName`, groups = `O` attributes. */
export function issueClientCertificate(
  ca: CertificateAuthority,
  userName: string,
  groups: readonly string[] = [],
): KeyPair {
  return issue(ca, userName, groups, 'client', { dnsNames: [], ipAddresses: [] });
}
