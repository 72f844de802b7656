/**
 * `kubemetrics apiserver` and `kubemetrics apiserver certs`, run in-process: every config problem
 * reported at once with its field path, certificates written for the Service, and a full run
 * against the test cluster (front-proxy settings read from its ConfigMap, SubjectAccessReview,
 * informers) that stops cleanly when the signal aborts.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseServerConfig } from '../src/apiserver/index.js';
import {
  createCertificateAuthority,
  issueClientCertificate,
  startTestCluster,
} from '../src/testing/index.js';
import type { TestCluster } from '../src/testing/index.js';
import { startApiserverCli } from './helpers/apiserver-cli.js';
import { cli } from './helpers/cli.js';
import { httpsGet } from './helpers/https.js';

const dir = mkdtempSync(join(tmpdir(), 'kubemetrics-apiserver-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubemetrics apiserver: configuration', () => {
  it('reports every problem of the file and the flags at once, with field paths', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(
      config,
      [
        'kind: MetricsApiServerConfig',
        'listen: { port: 70000 }',
        'tls: { certFile: /x.crt }',
        'authentication:',
        '  anonymus: true',
        '  requestHeader: { allowedNames: [front-proxy-client, 7] }',
        '  tokenReview: { cacheTTL: soon }',
        'authorization: { mode: RBAC }',
        'providers:',
        '  - type: graphite',
        '  - type: memory',
        '    file: 3',
        '  - type: memory',
        '    apis: [custom, logs]',
      ].join('\n'),
    );
    const run = await cli(['apiserver', '--config', config, '--log-level', 'loud']);
    expect(run.code).toBe(1);
    for (const problem of [
      'listen.port: expected a port number (0-65535), got 70000',
      'tls: certFile and keyFile go together',
      'authentication.anonymus: unknown field',
      'authentication.requestHeader.allowedNames[1]: expected a non-empty string, got 7',
      'authentication.tokenReview.cacheTTL: expected a duration such as 10s or 1m, got "soon"',
      'authorization.mode: expected Webhook or AlwaysAllow, got "RBAC"',
      'providers[0].type: expected one of memory, prometheus, got "graphite"',
      'providers[1].file: expected a file path, got 3',
      'providers[2].apis[1]: a memory provider serves custom, external, resource, not "logs"',
      'providers[2].apis: custom is already served by providers[1]',
      'logLevel: expected debug, info, warn or error, got "loud"',
    ])
      expect(run.stderr).toContain(problem);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('the example of docs/apiserver.md "Config file reference" is valid', () => {
    const doc = readFileSync('docs/apiserver.md', 'utf8');
    const section = doc.slice(doc.indexOf('## Config file reference'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const memory = {
      apis: ['custom', 'external', 'resource'] as const,
      fields: ['file'],
      validate: () => ({}),
    };
    const { problems, config } = parseServerConfig(parse(yaml), { memory });
    expect(problems).toEqual([]);
    expect(config?.authentication.requestHeader.allowedNames).toEqual(['front-proxy-client']);
    expect(config?.authorization.allowCacheTtlMs).toBe(10_000);
  });

  it('flag mistakes are usage errors', async () => {
    expect((await cli(['apiserver', '--secure-port', 'https'])).code).toBe(2);
    expect((await cli(['apiserver', '--anonymous-auth=maybe'])).stderr).toContain(
      '--anonymous-auth must be true or false',
    );
    expect((await cli(['apiserver', 'serve'])).stderr).toContain('the subcommands are "certs" and "explain"');
  });
});

describe('kubemetrics apiserver certs', () => {
  it('writes a CA, a serving certificate for the Service, its key (0600) and the base64 caBundle', async () => {
    const out = join(dir, 'certs');
    const run = await cli([
      'apiserver',
      'certs',
      '--service',
      'metrics',
      '--namespace',
      'monitoring',
      '--out',
      out,
      '--host',
      '10.0.0.7',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const cert = new X509Certificate(readFileSync(join(out, 'tls.crt')));
    const ca = new X509Certificate(readFileSync(join(out, 'ca.crt')));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('metrics.monitoring.svc')).toBe('metrics.monitoring.svc');
    expect(cert.checkIP('10.0.0.7')).toBe('10.0.0.7');
    expect(statSync(join(out, 'tls.key')).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(join(out, 'ca-bundle.base64'), 'utf8'), 'base64').toString()).toBe(
      readFileSync(join(out, 'ca.crt'), 'utf8'),
    );
  });
});

describe('kubemetrics apiserver: a run against the test cluster', () => {
  const frontProxyCA = createCertificateAuthority('cli-front-proxy');
  const proxy = issueClientCertificate(frontProxyCA, 'front-proxy-client');
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({
      users: [
        { name: 'admin', groups: ['system:masters'] },
        { name: 'viewer', token: 'viewer-token', allow: [] },
      ],
      pods: [
        { metadata: { namespace: 'shop', name: 'web-1', labels: { app: 'web' } }, spec: { containers: [] } },
      ],
      frontProxy: { caPem: frontProxyCA.certPem, allowedNames: ['front-proxy-client'] },
    });
  });
  afterAll(() => cluster.stop());

  it("serves over TLS with the cluster's front-proxy settings until the signal aborts", async () => {
    const metricsFile = join(dir, 'metrics.yaml');
    writeFileSync(
      metricsFile,
      'custom:\n  - { resource: pods, namespace: shop, name: web-1, metric: rps, value: 3 }\n  - { resource: pods, namespace: shop, name: web-9, metric: rps, value: 9 }\n',
    );
    const server = await startApiserverCli({
      kubeconfig: cluster.kubeconfigPath,
      caBundleFile: join(dir, 'generated-ca.crt'),
      args: ['--metrics-file', metricsFile],
    });
    const { url, ca, stdout, stderr } = server;

    const path = '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/rps?labelSelector=app%3Dweb';
    const aggregator = { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' };
    const allowed = await httpsGet(`${url}${path}`, { ca, cert: proxy, headers: aggregator });
    expect(allowed.status).toBe(200);
    // web-9 has a value but no pod in the cluster: the informer-backed lister leaves it out.
    expect(
      (JSON.parse(allowed.body) as { items: { describedObject: { name: string } }[] }).items.map(
        (i) => i.describedObject.name,
      ),
    ).toEqual(['web-1']);
    expect((await httpsGet(`${url}${path}`, { ca, headers: aggregator })).status).toBe(401);
    expect(
      (await httpsGet(`${url}${path}`, { ca, headers: { authorization: 'Bearer viewer-token' } })).status,
    ).toBe(403);

    expect(await server.stop()).toBe(0);
    expect(stderr.text).toContain('"msg":"stopped"');
    for (const line of stderr.text.trim().split('\n'))
      expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(stdout.text).toBe('');
  });
});
