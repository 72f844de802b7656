/**
 * Certificate facts with node:crypto's X509Certificate: PEM bundles split into certificates, a
 * chain walked up to a CA of a bundle, SANs and validity, in the terms kube-apiserver's Go TLS
 * client uses (it checks SANs only, never the CN).
 */
import { X509Certificate } from 'node:crypto';

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle; unparseable blocks are reported by the caller as an empty list. */
export function parseBundle(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of pem.match(PEM) ?? []) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      // a corrupt block verifies nothing; the caller reports what is left
    }
  }
  return out;
}

/**
 * True when `leaf` chains to one of `roots`, through intermediates sent with it: each step must be
 * issued by (names match) and signed by the next certificate.
 */
export function chainsTo(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  roots: readonly X509Certificate[],
): boolean {
  let current = leaf;
  for (let depth = 0; depth <= intermediates.length; depth++) {
    if (roots.some((root) => current.checkIssued(root) && current.verify(root.publicKey))) return true;
    const parent = intermediates.find(
      (c) => c !== current && current.checkIssued(c) && current.verify(c.publicKey),
    );
    if (parent === undefined) return false;
    current = parent;
  }
  return false;
}

/** The SANs as OpenSSL prints them (`DNS:a, IP Address:1.2.3.4`), or `none`. */
export function sanText(cert: X509Certificate): string {
  return cert.subjectAltName ?? 'none';
}
