/**
 * Which proxy a request to the API server goes through, as client-go decides it: the cluster's
 * `proxy-url` when set (k8s.io/client-go rest/transport.go), otherwise the environment like Go's
 * http.ProxyFromEnvironment (golang.org/x/net/http/httpproxy): HTTPS_PROXY / https_proxy for
 * https servers, HTTP_PROXY / http_proxy for http ones, NO_PROXY / no_proxy exclusions, and never
 * for localhost or loopback addresses.
 */
import { BlockList, isIP } from 'node:net';
import { configError } from './kubeconfig-model.js';

function fromEnv(env: NodeJS.ProcessEnv, upper: string): string | undefined {
  const value = env[upper] || env[upper.toLowerCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Normalizes a proxy URL; a bare `host:port` means http, as in Go. */
function proxyUrl(value: string, origin: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw configError(
      `${origin} "${value}" is not a valid URL`,
      'A proxy looks like http://proxy.example:3128.',
      error,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(
      `${origin} "${value}" uses ${url.protocol.slice(0, -1)}, which kubemetrics does not support`,
      'Use an HTTP or HTTPS proxy (http://host:port); SOCKS proxies are not supported.',
    );
  }
  return url.href;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** One NO_PROXY entry against host and port (Go's httpproxy matchers, best effort). */
function excludes(entry: string, host: string, port: string): boolean {
  if (entry === '*') return true;
  if (entry.includes('/')) {
    const [net, bits] = entry.split('/');
    const family = isIP(net ?? '');
    if (family === 0 || isIP(host) !== family) return false;
    const list = new BlockList();
    try {
      list.addSubnet(net!, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
    } catch {
      return false;
    }
    return list.check(host, family === 6 ? 'ipv6' : 'ipv4');
  }
  let entryHost = entry;
  let entryPort: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) {
    entryHost = bracketed[1]!;
    entryPort = bracketed[2];
  } else if (isIP(entry) === 0) {
    const colon = entry.lastIndexOf(':');
    if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1))) {
      entryHost = entry.slice(0, colon);
      entryPort = entry.slice(colon + 1);
    }
  }
  if (entryPort !== undefined && entryPort !== port) return false;
  if (isIP(entryHost) !== 0) return entryHost === host;
  let domain = entryHost.toLowerCase();
  if (domain.startsWith('*.')) domain = domain.slice(1);
  const name = host.toLowerCase();
  // "example.com" matches it and its subdomains; ".example.com" only subdomains.
  if (domain.startsWith('.')) return name.endsWith(domain);
  return name === domain || name.endsWith(`.${domain}`);
}

/**
 * The proxy URL for requests to `server`, or `undefined` for a direct connection.
 * @param clusterProxy the cluster's `proxy-url`.
 */
export function proxyFor(
  server: URL,
  clusterProxy: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (clusterProxy !== undefined && clusterProxy !== '') return proxyUrl(clusterProxy, 'proxy-url');
  const host = stripBrackets(server.hostname);
  if (host.toLowerCase() === 'localhost') return undefined;
  const family = isIP(host);
  if (family === 4 && host.startsWith('127.')) return undefined;
  if (family === 6 && host === '::1') return undefined;
  const variable = server.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const proxy = fromEnv(env, variable);
  if (proxy === undefined) return undefined;
  const port = server.port || (server.protocol === 'https:' ? '443' : '80');
  const noProxy = fromEnv(env, 'NO_PROXY') ?? '';
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim();
    if (entry !== '' && excludes(entry, host, port)) return undefined;
  }
  return proxyUrl(proxy, variable);
}
