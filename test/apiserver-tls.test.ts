/**
 * Serving TLS: certificate files reloaded on change without stopping the server (new connections
 * get the new certificate, open ones keep working), a mismatched pair never applied, the generated
 * certificate's SANs (the Service names kube-aggregator dials), and TLS 1.2 as the floor.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsApiServer, generateServingCertificate } from '../src/apiserver/index.js';
import type { MetricsApiServer } from '../src/apiserver/index.js';
import { MemoryMetricsProvider } from '../src/providers/memory/index.js';
import { eventually, httpsGet } from './helpers/https.js';

const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-tls-'));
const certFile = join(dir, 'tls.crt');
const keyFile = join(dir, 'tls.key');
const first = generateServingCertificate({ service: 'metrics', namespace: 'monitoring' });
const second = generateServingCertificate({ service: 'metrics', namespace: 'monitoring' });
const bothCAs = first.caPem + second.caPem;

/** Replaces a file the way kubelet and editors do: write aside, then rename over it. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

let server: MetricsApiServer;
let url = '';

beforeAll(async () => {
  writeFileSync(certFile, first.certPem);
  writeFileSync(keyFile, first.keyPem);
  server = createMetricsApiServer({
    providers: { custom: new MemoryMetricsProvider() },
    tls: { certFile, keyFile, reloadIntervalMs: 200 },
    authentication: { anonymous: true },
    authorization: { mode: 'AlwaysAllow' },
  });
  url = (await server.start({ host: '127.0.0.1' })).url;
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('certificate file reload', () => {
  it('replaced files: new connections see the new certificate; the server and open connections keep going', async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await httpsGet(`${url}/healthz`, { ca: bothCAs, agent: keepAlive });
      expect(before.certificate).toBe(fingerprint(first.certPem));

      replace(keyFile, second.keyPem);
      replace(certFile, second.certPem);
      await eventually(
        async () =>
          (await httpsGet(`${url}/healthz`, { ca: bothCAs })).certificate === fingerprint(second.certPem),
      );

      // The connection opened before the reload still answers (same socket, old certificate).
      const after = await httpsGet(`${url}/livez`, { ca: bothCAs, agent: keepAlive });
      expect(after).toMatchObject({ status: 200, certificate: fingerprint(first.certPem) });
      expect(await server.metrics.render()).toMatch(
        /kubemetrics_apiserver_certificate_reloads_total\{source="serving-certificate",result="success"\} 1/,
      );
    } finally {
      keepAlive.destroy();
    }
  });

  it('a certificate and key that do not belong together are not applied', async () => {
    const third = generateServingCertificate({ service: 'metrics', namespace: 'monitoring' });
    replace(certFile, third.certPem); // the key is still the second one
    await eventually(async () => /serving-certificate",result="error"/.test(await server.metrics.render()));
    const answer = await httpsGet(`${url}/healthz`, { ca: bothCAs });
    expect(answer).toMatchObject({ status: 200, certificate: fingerprint(second.certPem) });
    replace(certFile, second.certPem);
  });

  it('refuses TLS 1.1', async () => {
    const error = await new Promise<Error | undefined>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: Number(new URL(url).port),
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
        rejectUnauthorized: false,
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', resolve);
    });
    expect(error).toBeInstanceOf(Error);
  });
});

describe('generated serving certificate', () => {
  it("covers the Service's DNS names, localhost and loopback, and verifies with the CA bundle", () => {
    const generated = generateServingCertificate({
      service: 'kubemetrics-apiserver',
      namespace: 'kubemetrics',
    });
    const cert = new X509Certificate(generated.certPem);
    const ca = new X509Certificate(generated.caPem);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    for (const host of [
      'kubemetrics-apiserver.kubemetrics.svc',
      'kubemetrics-apiserver.kubemetrics.svc.cluster.local',
      'localhost',
    ])
      expect(cert.checkHost(host), host).toBe(host);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
  });

  it('start() without certificate files serves a generated one and returns its CA bundle', async () => {
    const caBundleFile = join(dir, 'ca.crt');
    const generatedServer = createMetricsApiServer({
      providers: { custom: new MemoryMetricsProvider() },
      tls: { selfSigned: { service: 'm', namespace: 'n' }, caBundleFile },
      authentication: { anonymous: true },
      authorization: { mode: 'AlwaysAllow' },
    });
    const started = await generatedServer.start({ host: '127.0.0.1' });
    try {
      expect(started.caBundle).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect((await httpsGet(`${started.url}/livez`, { ca: started.caBundle ?? '' })).status).toBe(200);
    } finally {
      await generatedServer.stop();
    }
  });
});
