/**
 * The TLS side of a request's credentials and its fingerprint: what decides whether two requests
 * may share a connection. Apart from tls-dispatcher.ts (undici), so the node:https transport
 * (transport-http.ts) can key its pools without loading undici.
 */
import { createHash } from 'node:crypto';

/** The TLS side of a request's credentials (from the kubeconfig, possibly rotated by a plugin). */
export interface TlsMaterial {
  readonly ca?: string | Buffer | Array<string | Buffer> | undefined;
  readonly cert?: string | Buffer | Array<string | Buffer> | undefined;
  readonly key?: string | Buffer | Array<string | Buffer> | undefined;
  readonly rejectUnauthorized?: boolean | undefined;
  readonly servername?: string | undefined;
}

/** A stable hash of CA, client cert/key, verification, server name (and the proxy, if any). */
export function tlsFingerprint(tls: TlsMaterial, proxy?: string): string {
  const hash = createHash('sha256');
  for (const part of [tls.ca, tls.cert, tls.key]) {
    for (const piece of Array.isArray(part) ? part : [part]) hash.update(piece ?? '-').update('\0');
  }
  hash.update(`${String(tls.rejectUnauthorized)}\0${tls.servername ?? ''}\0${proxy ?? ''}`);
  return hash.digest('hex');
}
