import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startTestCluster, type TestCluster } from '../testing/index.js';
import { KubemetricsError } from '../errors.js';
import { loadKubeConfig } from './kubeconfig-files.js';
import { MetricsClient } from './metrics-client.js';
import { proxyFor } from './proxy.js';

const https = (host: string): URL => new URL(`https://${host}`);

// Go's http.ProxyFromEnvironment (golang.org/x/net/http/httpproxy, config.useProxy and matchers).
describe('proxyFor: HTTPS_PROXY / NO_PROXY like Go', () => {
  const env = { HTTPS_PROXY: 'http://proxy.corp:3128' };

  it('uses HTTPS_PROXY (or https_proxy) for https servers and HTTP_PROXY for http ones', () => {
    expect(proxyFor(https('api.example:6443'), undefined, env)).toBe('http://proxy.corp:3128/');
    expect(proxyFor(https('api.example'), undefined, { https_proxy: 'proxy:8080' })).toBe(
      'http://proxy:8080/',
    );
    expect(proxyFor(new URL('http://api.example'), undefined, env)).toBeUndefined();
    expect(proxyFor(new URL('http://api.example'), undefined, { HTTP_PROXY: 'http://p:1' })).toBe(
      'http://p:1/',
    );
  });

  it('never proxies localhost or loopback addresses', () => {
    for (const host of ['localhost:6443', '127.0.0.1:6443', '127.1.2.3', '[::1]:6443']) {
      expect(proxyFor(https(host), undefined, env)).toBeUndefined();
    }
  });

  it.each([
    ['*', 'api.example', true],
    ['example.com', 'example.com', true],
    ['example.com', 'api.example.com', true],
    ['.example.com', 'example.com', false],
    ['.example.com', 'api.example.com', true],
    ['*.example.com', 'api.example.com', true],
    ['other.com', 'example.com', false],
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.1.2.3', false],
    ['fd00::/8', '[fd00::1]', true],
    ['10.1.2.3', '10.1.2.3', true],
    ['api.example:6443', 'api.example:6443', true],
    ['api.example:443', 'api.example:6443', false],
  ])('NO_PROXY=%s for %s: bypass %s', (noProxy, host, bypass) => {
    const proxy = proxyFor(https(host), undefined, { ...env, NO_PROXY: `unrelated.org, ${noProxy}` });
    expect(proxy === undefined).toBe(bypass);
  });

  it("the cluster's proxy-url beats the environment and NO_PROXY, even for loopback", () => {
    expect(proxyFor(https('127.0.0.1:6443'), 'http://cluster-proxy:1', { ...env, NO_PROXY: '*' })).toBe(
      'http://cluster-proxy:1/',
    );
  });

  it('a SOCKS proxy-url is a clear CONFIG error', () => {
    let error: unknown;
    try {
      proxyFor(https('api.example'), 'socks5://proxy:1080', {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubemetricsError);
    expect((error as KubemetricsError).code).toBe('KUBEMETRICS_ERR_CONFIG');
    expect((error as KubemetricsError).message).toContain('uses socks5, which kubemetrics does not support');
  });
});

describe('proxy-url end to end: requests tunnel through an HTTP CONNECT proxy', () => {
  let cluster: TestCluster;
  const root = mkdtempSync(path.join(tmpdir(), 'kubemetrics-proxy-'));
  const tunnels: string[] = [];
  const sockets: Socket[] = [];
  const proxy = createServer((client) => {
    sockets.push(client);
    client.once('data', (head: Buffer) => {
      const target = /^CONNECT (\S+) HTTP/.exec(head.toString('latin1'))?.[1];
      if (target === undefined) return client.destroy();
      tunnels.push(target);
      const [host, port] = [
        target.slice(0, target.lastIndexOf(':')),
        target.slice(target.lastIndexOf(':') + 1),
      ];
      const upstream = netConnect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      sockets.push(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  });

  beforeAll(async () => {
    cluster = await startTestCluster({ users: [{ name: 'admin', groups: ['system:masters'], token: 't' }] });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    proxy.close();
    await cluster.stop();
    rmSync(root, { recursive: true, force: true });
  });

  // transport-http.ts: the node:https client has no proxy support, so with a proxy it uses undici.
  it.each(['undici', 'node'] as const)(
    'sends the request through the proxy to the cluster (httpClient %s)',
    async (httpClient) => {
      tunnels.length = 0;
      const seenBefore = cluster.requests.length;
      const proxyPort = (proxy.address() as { port: number }).port;
      const file = path.join(root, 'kc');
      writeFileSync(
        file,
        stringify({
          'current-context': 'x',
          clusters: [
            {
              name: 'c',
              cluster: {
                server: cluster.url,
                'certificate-authority-data': Buffer.from(cluster.caPem!).toString('base64'),
                'proxy-url': `http://127.0.0.1:${proxyPort}`,
              },
            },
          ],
          users: [{ name: 'u', user: { token: 't' } }],
          contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        }),
      );
      const client = new MetricsClient(loadKubeConfig({ kubeconfig: file, env: {} }), {
        retries: 0,
        transport: { httpClient },
      });
      try {
        const version = await client.transport.getJSON<{ gitVersion: string }>({ path: '/version' });
        expect(version.gitVersion).toMatch(/^v1\./);
      } finally {
        await client.close();
      }
      expect(tunnels).toEqual([new URL(cluster.url).host]);
      expect(cluster.requests.slice(seenBefore).map((r) => r.url)).toContain('/version');
    },
  );
});
