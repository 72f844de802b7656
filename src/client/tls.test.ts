import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
} from '../testing/index.js';
import type { CertificateAuthority, KeyPair } from '../testing/index.js';
import { KubemetricsError } from '../errors.js';
import { loadKubeConfig } from './credentials.js';
import { MetricsClient } from './metrics-client.js';
import { Transport } from './transport.js';
import type { RequestAuth } from './transport.js';
import type { HttpClientKind } from './transport-http.js';

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let alice: KeyPair;
let bob: KeyPair;
const dir = mkdtempSync(path.join(tmpdir(), 'kubemetrics-tls-'));
const cleanup: Array<() => Promise<void>> = [];

beforeAll(() => {
  ca = createCertificateAuthority();
  otherCa = createCertificateAuthority('someone-else');
  alice = issueClientCertificate(ca, 'alice', ['team-a']);
  bob = issueClientCertificate(ca, 'bob');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

/** An HTTPS server that answers with the CN of the client certificate (or "anonymous"). */
async function tlsServer(hosts: { dnsNames?: string[]; ipAddresses?: string[] }): Promise<string> {
  const serverCert = issueServerCertificate(ca, hosts);
  const server = createServer(
    {
      cert: serverCert.certPem,
      key: serverCert.keyPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ user: peer?.subject?.CN ?? 'anonymous', bearer: req.headers.authorization ?? null }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const b64 = (pem: string): string => Buffer.from(pem).toString('base64');

/** Both HTTP clients (transport-http.ts) take the same TLS material: each describe runs with each. */
const HTTP_CLIENTS: readonly HttpClientKind[] = ['undici', 'node'];
let httpClient: HttpClientKind = 'undici';

function clientFor(server: string, cluster: string[], user: string[]): MetricsClient {
  const file = path.join(dir, `kc-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: test',
      'clusters:',
      '- name: test',
      '  cluster:',
      `    server: ${server}`,
      ...cluster.map((l) => `    ${l}`),
      'users:',
      '- name: test',
      '  user:',
      ...(user.length === 0 ? ['    {}'] : user.map((l) => `    ${l}`)),
      'contexts:',
      '- name: test',
      '  context: { cluster: test, user: test }',
    ].join('\n'),
  );
  const client = new MetricsClient(loadKubeConfig({ kubeconfig: file, env: {} }), {
    retries: 0,
    transport: { httpClient },
  });
  cleanup.push(() => client.close());
  return client;
}

type WhoAmI = { user: string; bearer: string | null };

describe.each(HTTP_CLIENTS)('over %s', (client) => {
  beforeEach(() => {
    httpClient = client;
  });

  describe('TLS from the kubeconfig', () => {
    it('verifies the server with certificate-authority-data and presents the client certificate', async () => {
      const server = await tlsServer({ ipAddresses: ['127.0.0.1'] });
      const client = clientFor(
        server,
        [`certificate-authority-data: ${b64(ca.certPem)}`],
        [`client-certificate-data: ${b64(alice.certPem)}`, `client-key-data: ${b64(alice.keyPem)}`],
      );
      expect(await client.getRaw<WhoAmI>('/whoami')).toEqual({ user: 'alice', bearer: null });
    });

    it('reads certificate-authority, client-certificate and client-key files', async () => {
      const server = await tlsServer({ ipAddresses: ['127.0.0.1'] });
      writeFileSync(path.join(dir, 'ca.crt'), ca.certPem);
      writeFileSync(path.join(dir, 'bob.crt'), bob.certPem);
      writeFileSync(path.join(dir, 'bob.key'), bob.keyPem);
      const client = clientFor(
        server,
        ['certificate-authority: ca.crt'],
        ['client-certificate: bob.crt', 'client-key: bob.key'],
      );
      expect((await client.getRaw<WhoAmI>('/whoami')).user).toBe('bob');
    });

    it('an untrusted server certificate → NETWORK error with a TLS hint', async () => {
      const server = await tlsServer({ ipAddresses: ['127.0.0.1'] });
      const client = clientFor(server, [`certificate-authority-data: ${b64(otherCa.certPem)}`], ['token: t']);
      const error = await client.getRaw('/whoami').catch((e: unknown) => e as KubemetricsError);
      expect(error).toBeInstanceOf(KubemetricsError);
      expect(error).toMatchObject({ code: 'KUBEMETRICS_ERR_NETWORK' });
      expect((error as KubemetricsError).message).toContain('TLS handshake');
      expect((error as KubemetricsError).hint).toContain('certificate-authority');
    });

    it('insecure-skip-tls-verify skips verification', async () => {
      const server = await tlsServer({ ipAddresses: ['127.0.0.1'] });
      const client = clientFor(server, ['insecure-skip-tls-verify: true'], ['token: abc']);
      expect(await client.getRaw<WhoAmI>('/whoami')).toEqual({ user: 'anonymous', bearer: 'Bearer abc' });
    });

    it('tls-server-name verifies a certificate issued for another name', async () => {
      const server = await tlsServer({ dnsNames: ['kubernetes.test'] });
      const without = clientFor(server, [`certificate-authority-data: ${b64(ca.certPem)}`], ['token: t']);
      await expect(without.getRaw('/whoami')).rejects.toMatchObject({ code: 'KUBEMETRICS_ERR_NETWORK' });
      const withName = clientFor(
        server,
        [`certificate-authority-data: ${b64(ca.certPem)}`, 'tls-server-name: kubernetes.test'],
        ['token: t'],
      );
      expect((await withName.getRaw<WhoAmI>('/whoami')).bearer).toBe('Bearer t');
    });
  });

  describe('Transport: rotating client certificates', () => {
    it('a new certificate from the credentials gets a new connection', async () => {
      const server = await tlsServer({ ipAddresses: ['127.0.0.1'] });
      let current = alice;
      const transport = new Transport(
        {
          server,
          authenticate: (): Promise<RequestAuth> =>
            Promise.resolve({
              headers: {},
              tls: { ca: ca.certPem, cert: current.certPem, key: current.keyPem },
            }),
        },
        { httpClient },
      );
      cleanup.push(() => transport.close());
      expect((await transport.getJSON<WhoAmI>({ path: '/' })).user).toBe('alice');
      current = bob;
      expect((await transport.getJSON<WhoAmI>({ path: '/' })).user).toBe('bob');
    });
  });
});
