/** HTTPS requests to a metrics API server under test, each on a fresh TLS connection by default. */
import { request } from 'node:https';
import type { Agent } from 'node:https';
import type { KeyPair } from '../../src/testing/index.js';

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The serving certificate's fingerprint, to tell certificates apart. */
  certificate: string;
}

export interface HttpsRequestOptions {
  ca: string;
  cert?: KeyPair | undefined;
  headers?: Record<string, string | string[]> | undefined;
  method?: string | undefined;
  /** Reuse connections through this agent; default: a new connection per request. */
  agent?: Agent | undefined;
}

export function httpsGet(url: string, options: HttpsRequestOptions): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ca: options.ca,
        ...(options.cert === undefined ? {} : { cert: options.cert.certPem, key: options.cert.keyPem }),
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const socket = res.socket as { getPeerCertificate?: () => { fingerprint256?: string } };
        const certificate = socket.getPeerCertificate?.().fingerprint256 ?? '';
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            certificate,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls `check` until it returns true (or throws after `timeoutMs`). The default bound only stops
 * a hung test: on a loaded 2-core CI machine a reload or a sync can take seconds.
 */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
