// Command-line overrides as client-go's DirectClientConfig applies them
// (k8s.io/client-go tools/clientcmd/client_config.go getContext, getCluster, getAuthInfo).
import { describe, expect, it } from 'vitest';
import { resolveConnection } from './credentials.js';
import { loadKubeConfig } from './kubeconfig-files.js';
import { KubeConfig } from './kubeconfig-model.js';
import { applyOverrides } from './kubeconfig-overrides.js';

function base(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'c', server: 'https://10.0.0.1:6443', caData: 'Q0E=', tlsServerName: 'kubernetes.default' },
      { name: 'd', server: 'https://d:6443' },
    ],
    users: [
      {
        name: 'u',
        tokenFile: '/nonexistent/token',
        exec: { command: 'x', apiVersion: 'client.authentication.k8s.io/v1' },
      },
      { name: 'v', token: 'v-token' },
    ],
    contexts: [{ name: 'x', cluster: 'c', user: 'u', namespace: 'ns' }],
    currentContext: 'x',
  });
  return kc;
}

describe('applyOverrides', () => {
  it('--insecure-skip-tls-verify drops the CA; --certificate-authority replaces inline CA data', () => {
    expect(applyOverrides(base(), { insecureSkipTlsVerify: true }).getCurrentCluster()).toMatchObject({
      skipTLSVerify: true,
      caData: undefined,
      caFile: undefined,
    });
    expect(applyOverrides(base(), { certificateAuthority: '/ca.crt' }).getCurrentCluster()).toMatchObject({
      skipTLSVerify: false,
      caData: undefined,
      caFile: '/ca.crt',
    });
  });

  it("--server clears the kubeconfig's tls-server-name unless --tls-server-name comes with it", () => {
    expect(applyOverrides(base(), { server: 'https://other:6443' }).getCurrentCluster()).toMatchObject({
      server: 'https://other:6443',
      tlsServerName: undefined,
    });
    expect(
      applyOverrides(base(), { server: 'https://other:6443', tlsServerName: 'n' }).getCurrentCluster()
        ?.tlsServerName,
    ).toBe('n');
  });

  it('--token replaces token file and exec plugin; the original kubeconfig is untouched', async () => {
    const kc = base();
    const overridden = applyOverrides(kc, {
      token: 'flag-token',
      impersonate: 'jane',
      impersonateGroups: ['a', 'b'],
    });
    const auth = await resolveConnection(overridden).authenticate();
    expect(auth.headers).toEqual({
      authorization: 'Bearer flag-token',
      'impersonate-user': 'jane',
      'impersonate-group': ['a', 'b'],
    });
    expect(kc.getUser('u')?.tokenFile).toBe('/nonexistent/token');
  });

  it('--cluster, --user and --namespace change the context', () => {
    const kc = applyOverrides(base(), { cluster: 'd', user: 'v', namespace: 'other' });
    expect(resolveConnection(kc).resolved).toMatchObject({
      clusterName: 'd',
      userName: 'v',
      namespace: 'other',
      server: 'https://d:6443',
    });
  });

  it('--server with --token works without any kubeconfig, as kubectl does', async () => {
    const kc = loadKubeConfig({
      env: { HOME: '/nonexistent', KUBECONFIG: '/nonexistent/kc' },
      serviceAccountDir: '/nonexistent',
      overrides: { server: 'https://api.example:6443', token: 't', insecureSkipTlsVerify: true },
    });
    const connection = resolveConnection(kc);
    expect(connection.server).toBe('https://api.example:6443');
    expect((await connection.authenticate()).headers['authorization']).toBe('Bearer t');
  });

  it('an unknown --cluster or --user lists the known ones', () => {
    expect(() => applyOverrides(base(), { cluster: 'zz' })).toThrow('clusters: c, d');
    expect(() => applyOverrides(base(), { user: 'zz' })).toThrow('users: u, v');
  });
});
