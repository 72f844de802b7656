/** Kubeconfig files that point kubectl, client-go or kubemetrics' own loader at the test cluster. */
import { stringify } from 'yaml';

/** The cluster, user and context names every generated kubeconfig uses. */
export const KUBECONFIG_CONTEXT = 'kubemetrics-test';

export interface KubeconfigSpec {
  readonly server: string;
  /** PEM of the CA that signed the server certificate; omit for plain HTTP. */
  readonly caPem?: string | undefined;
  readonly userName: string;
  readonly token?: string | undefined;
  readonly certPem?: string | undefined;
  readonly keyPem?: string | undefined;
  /** Default namespace of the context. */
  readonly namespace?: string | undefined;
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Kubeconfig YAML with one cluster, one user and one current context, credentials inline. */
export function buildKubeconfig(spec: KubeconfigSpec): string {
  const cluster: Record<string, string> = { server: spec.server };
  if (spec.caPem !== undefined) cluster['certificate-authority-data'] = base64(spec.caPem);
  const user: Record<string, string> = {};
  if (spec.token !== undefined) user.token = spec.token;
  if (spec.certPem !== undefined) user['client-certificate-data'] = base64(spec.certPem);
  if (spec.keyPem !== undefined) user['client-key-data'] = base64(spec.keyPem);
  const context: Record<string, string> = { cluster: KUBECONFIG_CONTEXT, user: spec.userName };
  if (spec.namespace !== undefined) context.namespace = spec.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: KUBECONFIG_CONTEXT, cluster }],
    users: [{ name: spec.userName, user }],
    contexts: [{ name: KUBECONFIG_CONTEXT, context }],
    'current-context': KUBECONFIG_CONTEXT,
    preferences: {},
  });
}
