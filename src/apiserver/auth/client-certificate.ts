/**
 * Verifying TLS client certificates ourselves, per CA bundle.
 *
 * One TLS server has to accept client certificates from two CAs with different meanings: the
 * front-proxy CA (kube-apiserver's aggregator, whose `X-Remote-*` headers name the real user) and
 * the client CA (users authenticating as themselves, k8s.io/apiserver `authentication/request/
 * x509`). A certificate from the client CA must never count as a front proxy, so the server asks
 * for a certificate without letting Node verify it (`requestCert: true, rejectUnauthorized:
 * false`) and this module checks the chain against each bundle separately:
 *
 * - each link: the issuer's subject matches, its key identifiers match and its key usage allows
 *   signing certificates (`X509Certificate.checkIssued`, OpenSSL's `X509_check_issued`), the
 *   signature verifies with the issuer's public key, the issuer is a CA (basicConstraints) and is
 *   within its validity dates;
 * - the leaf is within its validity dates and, when it has an extended key usage, allows
 *   `clientAuth` (as Go's `x509.Verify` with `ExtKeyUsageClientAuth`);
 * - intermediates the client sent are used to reach a certificate of the bundle.
 *
 * Limits, compared with Go's verifier: no path-length or name constraints, no revocation (neither
 * does Kubernetes), extended key usage checked on the leaf only, and chains longer than
 * {@link MAX_CHAIN_DEPTH} are refused.
 */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { KubemetricsError } from '../../errors.js';

/** Intermediates followed at most. */
export const MAX_CHAIN_DEPTH = 4;

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/** A PEM bundle of CA certificates, parsed once. */
export class CertificateBundle {
  private constructor(
    readonly pem: string,
    readonly certificates: readonly X509Certificate[],
  ) {}

  /**
   * Parses every `CERTIFICATE` block of `pem`. Throws a `KUBEMETRICS_ERR_CONFIG` error naming
   * `source` (a flag, a file or a ConfigMap key) when there is none or one does not parse.
   */
  static parse(pem: string, source: string): CertificateBundle {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0)
      throw new KubemetricsError('KUBEMETRICS_ERR_CONFIG', `${source} holds no PEM certificate`, {
        hint: 'Expected one or more "-----BEGIN CERTIFICATE-----" blocks.',
      });
    const certificates = blocks.map((block, i) => {
      try {
        return new X509Certificate(block);
      } catch (error) {
        throw new KubemetricsError(
          'KUBEMETRICS_ERR_CONFIG',
          `${source}: certificate ${i + 1} does not parse: ${(error as Error).message}`,
          { cause: error },
        );
      }
    });
    return new CertificateBundle(pem, certificates);
  }
}

/** The outcome of {@link verifyClientChain}. */
export type ChainVerification =
  { readonly ok: true; readonly leaf: X509Certificate } | { readonly ok: false; readonly reason: string };

/** The certificates the client sent, leaf first (empty when it sent none). */
export function peerCertificateChain(socket: TLSSocket): X509Certificate[] {
  let detailed: DetailedPeerCertificate | undefined;
  try {
    detailed = socket.getPeerCertificate(true);
  } catch {
    return [];
  }
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = detailed;
  while (current?.raw !== undefined && chain.length <= MAX_CHAIN_DEPTH + 1) {
    if (seen.has(current.fingerprint256)) break;
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

function validAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

function issuedBy(child: X509Certificate, parent: X509Certificate, now: number): boolean {
  return parent.ca && child.checkIssued(parent) && validAt(parent, now) && child.verify(parent.publicKey);
}

/** Verifies `chain` (leaf first) against the CAs of `bundle`. */
export function verifyClientChain(
  chain: readonly X509Certificate[],
  bundle: CertificateBundle,
  now: number = Date.now(),
): ChainVerification {
  const leaf = chain[0];
  if (leaf === undefined) return { ok: false, reason: 'no client certificate' };
  if (!validAt(leaf, now))
    return { ok: false, reason: `certificate "${leaf.subject}" is outside its validity period` };
  const usages = leaf.keyUsage as string[] | undefined;
  if (usages !== undefined && !usages.includes(CLIENT_AUTH) && !usages.includes(ANY_EXTENDED_KEY_USAGE))
    return { ok: false, reason: `certificate "${leaf.subject}" is not for client authentication` };
  let current = leaf;
  const intermediates = chain.slice(1);
  for (let depth = 0; depth <= MAX_CHAIN_DEPTH; depth++) {
    if (bundle.certificates.some((ca) => issuedBy(current, ca, now))) return { ok: true, leaf };
    const next = intermediates.find((c) => issuedBy(current, c, now));
    if (next === undefined) break;
    current = next;
  }
  return { ok: false, reason: `certificate "${leaf.subject}" is not signed by a trusted CA` };
}

/** The subject's CN (first) and O attributes of a certificate: user name and groups in Kubernetes. */
export function subjectNames(cert: X509Certificate): { commonName: string; organizations: string[] } {
  let commonName = '';
  const organizations: string[] = [];
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'CN' && commonName === '') commonName = value;
    else if (key === 'O') organizations.push(value);
  }
  return { commonName, organizations };
}
