/**
 * Reading `kube-system/extension-apiserver-authentication`, the ConfigMap kube-apiserver publishes
 * for aggregated API servers (k8s.io/kubernetes pkg/controlplane/controller/
 * clusterauthenticationtrust): its client CA (`client-ca-file`) and its front proxy
 * (`requestheader-client-ca-file`, `requestheader-allowed-names`, `requestheader-username-headers`,
 * `requestheader-group-headers`, `requestheader-extra-headers-prefix`; the lists are JSON arrays).
 * Reading it needs the Role `extension-apiserver-authentication-reader` in kube-system.
 */
import { CertificateBundle } from './client-certificate.js';

export const EXTENSION_APISERVER_AUTHENTICATION_NAMESPACE = 'kube-system';
export const EXTENSION_APISERVER_AUTHENTICATION_NAME = 'extension-apiserver-authentication';

/** What the ConfigMap says (each part absent when its keys are). */
export interface ClusterAuthenticationConfig {
  readonly clientCA?: CertificateBundle | undefined;
  readonly requestHeader?:
    | {
        readonly ca: CertificateBundle;
        readonly allowedNames: readonly string[] | undefined;
        readonly usernameHeaders: readonly string[] | undefined;
        readonly groupHeaders: readonly string[] | undefined;
        readonly extraHeaderPrefixes: readonly string[] | undefined;
      }
    | undefined;
}

function list(data: Readonly<Record<string, string>>, key: string, problems: string[]): string[] | undefined {
  const text = data[key];
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'string')) return parsed;
  } catch {
    // reported below
  }
  problems.push(`${key}: expected a JSON array of strings, got ${JSON.stringify(text.slice(0, 80))}`);
  return undefined;
}

function bundle(
  data: Readonly<Record<string, string>>,
  key: string,
  problems: string[],
): CertificateBundle | undefined {
  const pem = data[key];
  if (pem === undefined || pem.trim() === '') return undefined;
  try {
    return CertificateBundle.parse(pem, `ConfigMap key ${key}`);
  } catch (error) {
    problems.push((error as Error).message);
    return undefined;
  }
}

/** Parses the ConfigMap's `data`; `problems` lists what was ignored and why. */
export function parseClusterAuthentication(data: Readonly<Record<string, string>>): {
  readonly config: ClusterAuthenticationConfig;
  readonly problems: readonly string[];
} {
  const problems: string[] = [];
  const clientCA = bundle(data, 'client-ca-file', problems);
  const ca = bundle(data, 'requestheader-client-ca-file', problems);
  const requestHeader =
    ca === undefined
      ? undefined
      : {
          ca,
          allowedNames: list(data, 'requestheader-allowed-names', problems),
          usernameHeaders: list(data, 'requestheader-username-headers', problems),
          groupHeaders: list(data, 'requestheader-group-headers', problems),
          extraHeaderPrefixes: list(data, 'requestheader-extra-headers-prefix', problems),
        };
  return { config: { clientCA, requestHeader }, problems };
}
