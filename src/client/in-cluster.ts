/**
 * The in-cluster service account as client-go's rest.InClusterConfig reads it
 * (k8s.io/client-go/rest/config.go): the API server from KUBERNETES_SERVICE_HOST/_PORT (an IPv6
 * host in brackets), the projected token (re-read while the client lives, since the kubelet
 * rotates it), the cluster CA from ca.crt, and the namespace from POD_NAMESPACE or the namespace
 * file (clientcmd inClusterClientConfig.Namespace).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import path from 'node:path';
import { KubeConfig } from './kubeconfig-model.js';

/** Where in-cluster credentials live (the projected service-account volume). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The server URL of the in-cluster API, e.g. `https://[fd00::1]:443`. */
export function inClusterServer(host: string, port: string): string {
  return `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

function readNamespace(env: NodeJS.ProcessEnv, dir: string): string | undefined {
  const fromEnv = env['POD_NAMESPACE'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    return readFileSync(path.join(dir, 'namespace'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The service account as a kubeconfig, or `undefined` when not running in a pod. */
export function loadInCluster(env: NodeJS.ProcessEnv, dir: string): KubeConfig | undefined {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  const tokenFile = path.join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const kc = new KubeConfig();
  // The names client-node's loadFromCluster used, so messages read the same as before.
  kc.loadFromOptions({
    clusters: [{ name: 'inCluster', server: inClusterServer(host, port), caFile: path.join(dir, 'ca.crt') }],
    users: [{ name: 'inClusterUser', tokenFile }],
    contexts: [
      {
        name: 'inClusterContext',
        cluster: 'inCluster',
        user: 'inClusterUser',
        namespace: readNamespace(env, dir),
      },
    ],
    currentContext: 'inClusterContext',
  });
  return kc;
}
