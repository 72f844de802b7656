/**
 * ConfigMaps in the test cluster, and the one an aggregated API server reads at start:
 * `kube-system/extension-apiserver-authentication`, which kube-apiserver publishes with the CA and
 * the header names of its front proxy (k8s.io/kubernetes pkg/controlplane/controller/
 * clusterauthenticationtrust) so that extension API servers can authenticate requests it forwards.
 */
import type { ObjectMeta } from '../api/index.js';

/** A core/v1 ConfigMap (string data only). */
export interface ConfigMap {
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

/** Namespace and name of the ConfigMap kube-apiserver publishes for extension API servers. */
export const EXTENSION_APISERVER_AUTHENTICATION = {
  namespace: 'kube-system',
  name: 'extension-apiserver-authentication',
} as const;

/**
 * The front proxy an aggregated API server should trust, as kube-apiserver's `--requestheader-*`
 * flags describe it. Every list is written JSON-encoded, as kube-apiserver writes it.
 */
export interface FrontProxyOptions {
  /** PEM bundle of the CA that signs the front proxy's client certificate. */
  readonly caPem: string;
  /** CNs the front-proxy certificate may have; `[]` (the default) accepts any CN from `caPem`. */
  readonly allowedNames?: readonly string[] | undefined;
  /** Default `['X-Remote-User']`. */
  readonly usernameHeaders?: readonly string[] | undefined;
  /** Default `['X-Remote-Group']`. */
  readonly groupHeaders?: readonly string[] | undefined;
  /** Default `['X-Remote-Extra-']`. */
  readonly extraHeaderPrefixes?: readonly string[] | undefined;
  /**
   * `client-ca-file`: the CA of user client certificates. Default: the test cluster's own CA (the
   * one that signs `clientCert: true` users), when the cluster runs TLS.
   */
  readonly clientCaPem?: string | undefined;
  /**
   * The certificate the cluster presents when it forwards a request to an aggregated API server
   * registered by an APIService (kube-apiserver's `--proxy-client-cert-file`); signed by `caPem`.
   * Without it forwarded requests carry no client certificate and the server answers 401.
   */
  readonly proxyClient?: { readonly certPem: string; readonly keyPem: string } | undefined;
}

/** Builds `kube-system/extension-apiserver-authentication` with kube-apiserver's keys. */
export function extensionApiserverAuthentication(
  frontProxy: FrontProxyOptions | undefined,
  clusterCaPem: string | undefined,
): ConfigMap {
  const data: Record<string, string> = {};
  const clientCa = frontProxy?.clientCaPem ?? clusterCaPem;
  if (clientCa !== undefined) data['client-ca-file'] = clientCa;
  if (frontProxy !== undefined) {
    data['requestheader-client-ca-file'] = frontProxy.caPem;
    data['requestheader-allowed-names'] = JSON.stringify(frontProxy.allowedNames ?? []);
    data['requestheader-username-headers'] = JSON.stringify(frontProxy.usernameHeaders ?? ['X-Remote-User']);
    data['requestheader-group-headers'] = JSON.stringify(frontProxy.groupHeaders ?? ['X-Remote-Group']);
    data['requestheader-extra-headers-prefix'] = JSON.stringify(
      frontProxy.extraHeaderPrefixes ?? ['X-Remote-Extra-'],
    );
  }
  return { metadata: { ...EXTENSION_APISERVER_AUTHENTICATION }, data };
}
