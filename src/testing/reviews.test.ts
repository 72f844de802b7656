import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from './index.js';
import type { TestCluster } from './index.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({
    tls: false,
    users: [
      { name: 'admin', groups: ['system:masters'], token: 'admin-token' },
      {
        name: 'viewer',
        token: 'viewer-token',
        groups: ['viewers'],
        allow: [{ verbs: ['get'], resources: ['pods'], namespaces: ['shop'] }],
      },
    ],
    frontProxy: {
      caPem: '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n',
      allowedNames: ['front-proxy-client'],
    },
  });
});
afterAll(() => cluster.stop());

async function post(
  path: string,
  body: unknown,
  token = 'admin-token',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${cluster.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('test cluster review APIs', () => {
  it("TokenReview authenticates the cluster's own tokens", async () => {
    const valid = await post('/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: 'viewer-token' },
    });
    expect(valid.status).toBe(201);
    expect(valid.json['status']).toMatchObject({
      authenticated: true,
      user: { username: 'viewer', groups: ['viewers', 'system:authenticated'] },
    });
    const invalid = await post('/apis/authentication.k8s.io/v1/tokenreviews', {
      kind: 'TokenReview',
      spec: { token: 'nope' },
    });
    expect(invalid.json['status']).toMatchObject({ authenticated: false });
  });

  it('SubjectAccessReview evaluates allow rules; system:masters is allowed; unknown users are not', async () => {
    const review = (spec: Record<string, unknown>) =>
      post('/apis/authorization.k8s.io/v1/subjectaccessreviews', { kind: 'SubjectAccessReview', spec });
    const allowed = (r: { json: Record<string, unknown> }) =>
      (r.json['status'] as { allowed: boolean }).allowed;
    const pods = (namespace: string) => ({ verb: 'get', group: '', resource: 'pods', namespace });
    expect(allowed(await review({ user: 'viewer', resourceAttributes: pods('shop') }))).toBe(true);
    expect(allowed(await review({ user: 'viewer', resourceAttributes: pods('prod') }))).toBe(false);
    expect(
      allowed(await review({ user: 'someone', groups: ['system:masters'], resourceAttributes: pods('x') })),
    ).toBe(true);
    expect(allowed(await review({ user: 'stranger', resourceAttributes: pods('shop') }))).toBe(false);
    expect(
      allowed(
        await review({
          user: 'stranger',
          groups: ['system:authenticated'],
          nonResourceAttributes: { path: '/apis', verb: 'get' },
        }),
      ),
    ).toBe(true);
    expect((await review({ resourceAttributes: pods('x') })).status).toBe(422);
  });

  it('reviews need permission to create them', async () => {
    const denied = await post(
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { kind: 'TokenReview', spec: { token: 'x' } },
      'viewer-token',
    );
    expect(denied.status).toBe(403);
  });

  it('publishes kube-system/extension-apiserver-authentication with the front proxy settings', async () => {
    const res = await fetch(
      `${cluster.url}/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication`,
      {
        headers: { authorization: 'Bearer admin-token' },
      },
    );
    const configMap = (await res.json()) as { kind: string; data: Record<string, string> };
    expect(configMap.kind).toBe('ConfigMap');
    expect(configMap.data['requestheader-allowed-names']).toBe('["front-proxy-client"]');
    expect(configMap.data['requestheader-username-headers']).toBe('["X-Remote-User"]');
    expect(configMap.data['client-ca-file']).toBeUndefined(); // no TLS, no cluster CA
  });
});
