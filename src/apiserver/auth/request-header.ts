/**
 * Front-proxy ("request header") authentication, as k8s.io/apiserver
 * `pkg/authentication/request/headerrequest` does it: kube-apiserver's aggregator forwards a
 * request with a client certificate from the front-proxy CA and names the real user in headers
 * (`X-Remote-User`, `X-Remote-Group`, `X-Remote-Extra-<key>`). The headers are believed only when
 * that certificate verified against the front-proxy CA and its CN is one of the allowed names (any
 * CN when the list is empty); otherwise they are ignored, whoever sent them.
 */
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from './auth.js';
import type { CertificateBundle } from './client-certificate.js';

/** kube-apiserver's defaults for `--requestheader-*-headers`. */
export const DEFAULT_USERNAME_HEADERS: readonly string[] = ['X-Remote-User'];
export const DEFAULT_GROUP_HEADERS: readonly string[] = ['X-Remote-Group'];
export const DEFAULT_EXTRA_HEADER_PREFIXES: readonly string[] = ['X-Remote-Extra-'];

/** The front proxy a server trusts. */
export interface RequestHeaderConfig {
  /** CA of the front proxy's client certificate. */
  readonly ca: CertificateBundle;
  /** CNs allowed for the front-proxy certificate; empty = any CN signed by `ca`. */
  readonly allowedNames: readonly string[];
  /** Headers naming the user; the first one present wins. */
  readonly usernameHeaders: readonly string[];
  /** Headers naming groups; every value of every one is a group. */
  readonly groupHeaders: readonly string[];
  /** Prefixes of extra-attribute headers (`X-Remote-Extra-Scopes: a` → `extra.scopes = [a]`). */
  readonly extraHeaderPrefixes: readonly string[];
}

/** Every value of a header, one per header line (Node joins repeated lines with `, ` in `headers`). */
function values(req: IncomingMessage, name: string): string[] {
  return req.headersDistinct[name.toLowerCase()] ?? [];
}

function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/**
 * The user the headers name, or `undefined` when no username header is set (the request then
 * falls through to the other authenticators). Call only after the front-proxy certificate
 * verified and its CN was allowed.
 */
export function userFromHeaders(req: IncomingMessage, config: RequestHeaderConfig): UserInfo | undefined {
  let username: string | undefined;
  for (const header of config.usernameHeaders) {
    username = values(req, header).find((v) => v !== '');
    if (username !== undefined) break;
  }
  if (username === undefined) return undefined;
  const groups: string[] = [];
  for (const header of config.groupHeaders) groups.push(...values(req, header));
  const extra: Record<string, string[]> = {};
  const prefixes = config.extraHeaderPrefixes.map((p) => p.toLowerCase());
  for (const [name, headerValues] of Object.entries(req.headersDistinct)) {
    const prefix = prefixes.find((p) => name.startsWith(p) && name.length > p.length);
    if (prefix === undefined || headerValues === undefined) continue;
    // Keys are lower-cased, then percent-unescaped (headers cannot carry every character).
    const key = unescapeExtraKey(name.slice(prefix.length));
    (extra[key] ??= []).push(...headerValues);
  }
  return Object.keys(extra).length === 0 ? { username, groups } : { username, groups, extra };
}
