/**
 * undici Agents keyed by the TLS material of the credentials. Credentials can rotate under a
 * long-lived client (exec plugins, in-cluster token and certificate refresh), so each request's
 * material is fingerprinted and connections are reused only for identical material. A request that
 * goes through a proxy (`proxy-url`, `HTTPS_PROXY`) gets an undici ProxyAgent that tunnels to the
 * server with the same TLS material.
 */
import { Agent, ProxyAgent } from 'undici';
import { tlsFingerprint, type TlsMaterial } from './tls-material.js';

export { tlsFingerprint, type TlsMaterial } from './tls-material.js';

type Tls = TlsMaterial;

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

/** Options of {@link createDispatcher}: the Agent's, plus a bound on connect + TLS handshake. */
export interface DispatcherOptions extends Omit<Agent.Options, 'connect'> {
  /**
   * Milliseconds a new connection may take up to the end of the TLS handshake (undici's connect
   * timeout; 10 s when unset). A request deadline shorter than that needs it lowered too, or the
   * abandoned handshake keeps the process alive until undici gives up on it.
   */
  readonly connectTimeoutMs?: number | undefined;
}

/** An Agent for the material, or a ProxyAgent tunnelling to the server through `proxy`. */
export function createDispatcher(
  auth: { readonly tls: TlsMaterial; readonly proxy?: string | undefined },
  options: DispatcherOptions,
): Agent | ProxyAgent {
  const { connectTimeoutMs, ...agentOptions } = options;
  const timeout =
    connectTimeoutMs === undefined || connectTimeoutMs <= 0 ? {} : { timeout: connectTimeoutMs };
  const connect = { ...tlsConnectOptions(auth.tls), ...timeout };
  if (auth.proxy === undefined) return new Agent({ ...agentOptions, connect });
  return new ProxyAgent({ ...agentOptions, uri: auth.proxy, requestTls: connect, proxyTls: timeout });
}

/**
 * One Agent for the current TLS material: replaced when the material changes, the old one closed
 * gracefully (in-flight requests finish first).
 */
export class RotatingAgent {
  readonly #options: DispatcherOptions;
  #current: { fingerprint: string; agent: Agent | ProxyAgent } | undefined;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /** Without a proxy the dispatcher is a plain Agent. */
  get(auth: { readonly tls: TlsMaterial; readonly proxy?: undefined }): Agent;
  get(auth: { readonly tls: TlsMaterial; readonly proxy?: string | undefined }): Agent | ProxyAgent;
  get(auth: { readonly tls: TlsMaterial; readonly proxy?: string | undefined }): Agent | ProxyAgent {
    const fingerprint = tlsFingerprint(auth.tls, auth.proxy);
    if (this.#current?.fingerprint === fingerprint) return this.#current.agent;
    const old = this.#current?.agent;
    if (old !== undefined) void old.close().catch(() => undefined);
    const agent = createDispatcher(auth, this.#options);
    this.#current = { fingerprint, agent };
    return agent;
  }

  async close(): Promise<void> {
    const agent = this.#current?.agent;
    this.#current = undefined;
    await agent?.close();
  }
}
