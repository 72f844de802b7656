/**
 * undici Agents keyed by the TLS material of the credentials. Credentials can rotate under a
 * long-lived client (exec plugins, in-cluster token and certificate refresh), so each request's
 * material is fingerprinted and connections are reused only for identical material.
 */
import { createHash } from 'node:crypto';
import { Agent } from 'undici';

/** The TLS side of a request's credentials (from the kubeconfig, possibly rotated by a plugin). */
export interface TlsMaterial {
  readonly ca?: string | Buffer | Array<string | Buffer> | undefined;
  readonly cert?: string | Buffer | Array<string | Buffer> | undefined;
  readonly key?: string | Buffer | Array<string | Buffer> | undefined;
  readonly rejectUnauthorized?: boolean | undefined;
  readonly servername?: string | undefined;
}

type Tls = TlsMaterial;

/** A stable hash of CA, client cert/key, verification and server name. */
export function tlsFingerprint(tls: Tls): string {
  const hash = createHash('sha256');
  for (const part of [tls.ca, tls.cert, tls.key]) {
    for (const piece of Array.isArray(part) ? part : [part]) hash.update(piece ?? '-').update('\0');
  }
  hash.update(`${String(tls.rejectUnauthorized)}\0${tls.servername ?? ''}`);
  return hash.digest('hex');
}

/** undici `connect` options for the material, leaving out what is unset. */
export function tlsConnectOptions(tls: Tls): Agent.Options['connect'] {
  const { ca, cert, key, rejectUnauthorized, servername } = tls;
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
    ...(servername === undefined ? {} : { servername }),
  };
}

/**
 * One Agent for the current TLS material: replaced when the material changes, the old one closed
 * gracefully (in-flight requests finish first).
 */
export class RotatingAgent {
  readonly #options: Omit<Agent.Options, 'connect'>;
  #current: { fingerprint: string; agent: Agent } | undefined;

  constructor(options: Omit<Agent.Options, 'connect'>) {
    this.#options = options;
  }

  get(auth: { readonly tls: TlsMaterial }): Agent {
    const fingerprint = tlsFingerprint(auth.tls);
    if (this.#current?.fingerprint === fingerprint) return this.#current.agent;
    const old = this.#current?.agent;
    if (old !== undefined) void old.close().catch(() => undefined);
    const agent = new Agent({ ...this.#options, connect: tlsConnectOptions(auth.tls) });
    this.#current = { fingerprint, agent };
    return agent;
  }

  async close(): Promise<void> {
    const agent = this.#current?.agent;
    this.#current = undefined;
    await agent?.close();
  }
}
