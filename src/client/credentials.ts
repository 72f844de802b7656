/**
 * Credentials: finding and loading kubeconfig files the way kubectl does, and applying a context's
 * auth to each request through @kubernetes/client-node's `KubeConfig` (so exec plugins, OIDC,
 * token files and in-cluster token refresh behave as they do there).
 *
 * This is the only file that imports @kubernetes/client-node: moving to another major version is a
 * change here and nowhere else.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KubemetricsError } from '../errors.js';
import type { Connection, RequestAuth } from './transport.js';

export { KubeConfig };
export type { Cluster, Context, User };

/** Where in-cluster credentials live (the projected service-account volume). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Options of {@link loadKubeConfig}. */
export interface LoadKubeConfigOptions {
  /**
   * Path of a kubeconfig file, like kubectl's `--kubeconfig` (several may be joined with the
   * platform path delimiter, `:` on Unix, and are then merged like `KUBECONFIG`). Every file named
   * here must exist. When set, `KUBECONFIG` and `~/.kube/config` are not read.
   */
  readonly kubeconfig?: string | undefined;
  /** Context to make current, like `--context`. Must exist; the error lists the available ones. */
  readonly context?: string | undefined;
  /**
   * Environment to read `KUBECONFIG`, `HOME`/`USERPROFILE` and `KUBERNETES_SERVICE_HOST`/`_PORT`
   * from. Defaults to `process.env`; pass an object to keep the library away from the real one.
   */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Directory of the in-cluster service-account files (`token`, `ca.crt`, `namespace`). For tests. */
  readonly serviceAccountDir?: string | undefined;
}

/** Where the loaded configuration came from (for messages and `kubemetrics config` style output). */
export type KubeConfigSource =
  | { readonly kind: 'files'; readonly files: readonly string[] }
  | { readonly kind: 'in-cluster'; readonly dir: string };

const sourceOf = new WeakMap<KubeConfig, KubeConfigSource>();

/** Where `loadKubeConfig` found this configuration, when it loaded it. */
export function kubeConfigSource(kc: KubeConfig): KubeConfigSource | undefined {
  return sourceOf.get(kc);
}

type RawEntry = { name?: unknown; [key: string]: unknown };
interface RawConfig {
  clusters: RawEntry[];
  users: RawEntry[];
  contexts: RawEntry[];
  'current-context'?: string;
}

function configError(message: string, hint: string, cause?: unknown): KubemetricsError {
  return new KubemetricsError('KUBEMETRICS_ERR_CONFIG', message, { hint, cause });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Reads one kubeconfig file; `undefined` when it does not exist. */
function readKubeconfigFile(file: string): RawConfig | undefined {
  let text: string;
  try {
    if (statSync(file).isDirectory()) {
      throw configError(
        `kubeconfig path ${file} is a directory, not a file`,
        'Point --kubeconfig / KUBECONFIG at the config file itself (usually ~/.kube/config).',
      );
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (error instanceof KubemetricsError) throw error;
    throw configError(
      `cannot read kubeconfig ${file}: ${errorMessage(error)}`,
      'Check that the file exists and is readable by this user.',
      error,
    );
  }
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : parseYaml(text);
  } catch (error) {
    throw configError(
      `kubeconfig ${file} is not valid YAML: ${errorMessage(error)}`,
      `Check the file with \`kubectl config view --kubeconfig ${file}\`.`,
      error,
    );
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw configError(
      `kubeconfig ${file} is not a kubeconfig: expected a mapping with clusters, users and contexts`,
      `Check the file with \`kubectl config view --kubeconfig ${file}\`.`,
    );
  }
  const raw = normalize(doc as Record<string, unknown>, path.dirname(path.resolve(file)));
  validate(raw, file);
  return raw;
}

function list(value: unknown): RawEntry[] {
  return Array.isArray(value) ? value.filter((e): e is RawEntry => typeof e === 'object' && e !== null) : [];
}

function absolute(dir: string, file: unknown): unknown {
  return typeof file === 'string' && file !== '' && !path.isAbsolute(file) ? path.join(dir, file) : file;
}

/**
 * Resolves relative file references against the file's directory (as client-go's
 * ResolveLocalPaths does) and turns `token-file` into client-node's refreshing `tokenFile` auth
 * provider: client-node would read a `token-file` once at load time, client-go re-reads it every
 * minute (k8s.io/client-go transport/token_source.go), and so do we.
 */
function normalize(doc: Record<string, unknown>, dir: string): RawConfig {
  const clusters = list(doc['clusters']).map((entry) => {
    const cluster = entry['cluster'];
    if (typeof cluster !== 'object' || cluster === null) return entry;
    const c = { ...(cluster as Record<string, unknown>) };
    c['certificate-authority'] = absolute(dir, c['certificate-authority']);
    return { ...entry, cluster: c };
  });
  const users = list(doc['users']).map((entry) => {
    const user = entry['user'];
    if (typeof user !== 'object' || user === null) return entry;
    const u = { ...(user as Record<string, unknown>) };
    u['client-certificate'] = absolute(dir, u['client-certificate']);
    u['client-key'] = absolute(dir, u['client-key']);
    const tokenFile = absolute(dir, u['token-file']);
    if (typeof tokenFile === 'string' && tokenFile !== '') {
      delete u['token-file'];
      if (u['exec'] === undefined && u['auth-provider'] === undefined) {
        // client-go: the last value read from the token file takes precedence over `token`.
        delete u['token'];
        u['auth-provider'] = { name: 'tokenFile', config: { tokenFile } };
      }
    }
    return { ...entry, user: u };
  });
  const current = doc['current-context'];
  return {
    clusters,
    users,
    contexts: list(doc['contexts']),
    ...(typeof current === 'string' && current !== '' ? { 'current-context': current } : {}),
  };
}

/** Lets client-node check the entries of one file so a broken entry is reported with its file. */
function validate(raw: RawConfig, file: string): void {
  try {
    new KubeConfig().loadFromString(JSON.stringify(raw));
  } catch (error) {
    throw configError(
      `kubeconfig ${file} is invalid: ${errorMessage(error)}`,
      `Check the file with \`kubectl config view --kubeconfig ${file}\`.`,
      error,
    );
  }
}

/**
 * kubectl's merge rules (k8s.io/client-go tools/clientcmd/loader.go, ClientConfigLoadingRules.Load):
 * the first file to define a cluster, user or context name wins and later definitions of the same
 * name are ignored entirely; the first file that sets `current-context` wins.
 */
function merge(configs: readonly RawConfig[]): RawConfig {
  const merged: RawConfig = { clusters: [], users: [], contexts: [] };
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    const seen = new Set<unknown>();
    for (const config of configs) {
      for (const entry of config[key]) {
        if (seen.has(entry.name)) continue;
        seen.add(entry.name);
        merged[key].push(entry);
      }
    }
  }
  const current = configs.find((c) => c['current-context'] !== undefined)?.['current-context'];
  if (current !== undefined) merged['current-context'] = current;
  return merged;
}

function splitPaths(value: string): string[] {
  return [...new Set(value.split(path.delimiter).filter((p) => p.trim() !== ''))];
}

function homeDirectory(env: NodeJS.ProcessEnv): string {
  return env['HOME'] || env['USERPROFILE'] || homedir();
}

function loadInCluster(env: NodeJS.ProcessEnv, dir: string): KubeConfig | undefined {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  const tokenFile = path.join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const namespaceFile = path.join(dir, 'namespace');
  let namespace: string | undefined;
  try {
    namespace = readFileSync(namespaceFile, 'utf8').trim() || undefined;
  } catch {
    namespace = undefined;
  }
  const kc = new KubeConfig();
  // Same names as client-node's loadFromCluster, which reads process.env itself.
  kc.loadFromOptions({
    clusters: [
      {
        name: 'inCluster',
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        caFile: path.join(dir, 'ca.crt'),
        skipTLSVerify: false,
      } satisfies Cluster,
    ],
    users: [
      // client-node's FileAuth re-reads the projected token every 60 s, so rotation works.
      { name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile } } } satisfies User,
    ],
    contexts: [
      { name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace } satisfies Context,
    ],
    currentContext: 'inClusterContext',
  });
  sourceOf.set(kc, { kind: 'in-cluster', dir });
  return kc;
}

function fromFiles(configs: readonly RawConfig[], files: readonly string[]): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(JSON.stringify(merge(configs)));
  } catch (error) {
    throw configError(
      `kubeconfig files ${files.join(', ')} are invalid: ${errorMessage(error)}`,
      'Check them with `kubectl config view`.',
      error,
    );
  }
  sourceOf.set(kc, { kind: 'files', files });
  return kc;
}

function contextNames(kc: KubeConfig): string {
  const names = kc.getContexts().map((c) => c.name);
  return names.length === 0 ? '(none)' : names.join(', ');
}

/** Throws a CONFIG error unless `name` is a context of `kc`. */
function requireContext(kc: KubeConfig, name: string, origin: string): Context {
  const context = kc.getContextObject(name);
  if (context === null) {
    throw configError(
      `context "${name}" ${origin} was not found in the kubeconfig; available contexts: ${contextNames(kc)}`,
      'List them with `kubectl config get-contexts` and pass one of them as the context.',
    );
  }
  return context;
}

/**
 * Loads a kubeconfig the way kubectl does:
 * 1. `options.kubeconfig` (like `--kubeconfig`): only those files, which must exist;
 * 2. otherwise `KUBECONFIG` from `options.env`: its files are merged (first definition of a name
 *    wins, first `current-context` wins); missing files are skipped;
 * 3. otherwise `~/.kube/config` (home from `HOME`, then `USERPROFILE`);
 * 4. otherwise the in-cluster service account (`KUBERNETES_SERVICE_HOST`/`_PORT` and the token).
 *
 * Relative certificate, key and token-file paths are resolved against the file that names them.
 * `options.context` becomes the current context. Every failure is a `KUBEMETRICS_ERR_CONFIG`
 * error with a hint; an unknown context lists the available ones.
 *
 * @example
 * const kc = loadKubeConfig({ context: 'prod' });
 * const client = new MetricsClient(kc);
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const serviceAccountDir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  let kc: KubeConfig | undefined;
  const tried: string[] = [];

  if (options.kubeconfig !== undefined && options.kubeconfig.trim() !== '') {
    const files = splitPaths(options.kubeconfig);
    const configs = files.map((file) => {
      const config = readKubeconfigFile(file);
      if (config === undefined) {
        throw configError(
          `kubeconfig file ${file} (given with --kubeconfig / the kubeconfig option) does not exist`,
          'Check the path, or leave the option out to use KUBECONFIG or ~/.kube/config.',
        );
      }
      return config;
    });
    kc = fromFiles(configs, files);
  } else if (env['KUBECONFIG'] !== undefined && env['KUBECONFIG'].trim() !== '') {
    const files = splitPaths(env['KUBECONFIG']);
    const found: string[] = [];
    const configs: RawConfig[] = [];
    for (const file of files) {
      const config = readKubeconfigFile(file);
      if (config === undefined) continue;
      found.push(file);
      configs.push(config);
    }
    if (configs.length > 0) kc = fromFiles(configs, found);
    else tried.push(`KUBECONFIG=${env['KUBECONFIG']} (none of its files exist)`);
  } else {
    const file = path.join(homeDirectory(env), '.kube', 'config');
    const config = readKubeconfigFile(file);
    if (config !== undefined) kc = fromFiles([config], [file]);
    else tried.push(file);
  }

  if (kc === undefined) {
    kc = loadInCluster(env, serviceAccountDir);
    if (kc === undefined) {
      tried.push(
        `in-cluster service account (KUBERNETES_SERVICE_HOST/PORT and ${path.join(serviceAccountDir, 'token')})`,
      );
      throw configError(
        `no Kubernetes configuration found; tried: ${tried.join('; ')}`,
        'Pass --kubeconfig <file>, set KUBECONFIG, create ~/.kube/config (e.g. with your cloud CLI), or run inside a pod.',
      );
    }
  }

  if (options.context !== undefined && options.context !== '') {
    requireContext(kc, options.context, '(from --context / the context option)');
    kc.setCurrentContext(options.context);
  }
  return kc;
}

/** The cluster, user and context a client talks through. */
export interface ResolvedContext {
  readonly contextName: string;
  readonly clusterName: string;
  readonly userName: string | undefined;
  readonly server: string;
  /** The context's namespace, or `default`. */
  readonly namespace: string;
}

/**
 * Resolves `contextName` (default: the current context) of `kc` into a {@link Connection} for the
 * transport. Auth is applied per request through client-node (`applyToHTTPSOptions`), which
 * caches exec-plugin credentials until their `expirationTimestamp`, re-reads token files every
 * 60 s and refreshes OIDC tokens when they expire; concurrent requests share one in-flight
 * credential lookup. Nothing is cached here beyond that.
 *
 * The client keeps its own view of `kc` with the context fixed, so a later `setCurrentContext` on
 * `kc` does not move existing clients.
 */
export function resolveConnection(
  kc: KubeConfig,
  contextName?: string,
): Connection & { readonly resolved: ResolvedContext } {
  const name = contextName ?? kc.getCurrentContext();
  if (name === undefined || name === null || name === '') {
    throw configError(
      `the kubeconfig has no current-context; available contexts: ${contextNames(kc)}`,
      'Pass a context (--context) or set one with `kubectl config use-context <name>`.',
    );
  }
  const context = requireContext(kc, name, contextName === undefined ? '(current-context)' : '');
  const cluster = kc.getCluster(context.cluster);
  if (cluster === null) {
    throw configError(
      `context "${name}" refers to cluster "${context.cluster}", which is not in the kubeconfig`,
      'Fix the context with `kubectl config set-context` or add the cluster with `kubectl config set-cluster`.',
    );
  }
  // An empty user means anonymous requests (allowed by kubectl too); a named user must exist.
  const userName = context.user === undefined || context.user === '' ? undefined : context.user;
  if (userName !== undefined && kc.getUser(userName) === null) {
    throw configError(
      `context "${name}" refers to user "${userName}", which is not in the kubeconfig`,
      'Fix the context with `kubectl config set-context` or add the user with `kubectl config set-credentials`.',
    );
  }
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch (error) {
    throw configError(
      `cluster "${cluster.name}" has an invalid server URL "${cluster.server}"`,
      'The server must look like https://host:port.',
      error,
    );
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw configError(
      `cluster "${cluster.name}" has server "${cluster.server}": only https:// and http:// are supported`,
      'The server must look like https://host:port.',
    );
  }

  // A prototype view keeps client-node's authenticators (and their token caches) shared with `kc`
  // while fixing the context. For plain-HTTP servers (kubectl proxy, tests) client-node refuses
  // to build an agent unless skipTLSVerify is set; there is no TLS to skip, so the view says so.
  const view = Object.create(kc) as KubeConfig;
  view.currentContext = name;
  if (server.protocol === 'http:') {
    view.clusters = kc.clusters.map((c) => (c.name === cluster.name ? { ...c, skipTLSVerify: true } : c));
  }

  const resolved: ResolvedContext = {
    contextName: name,
    clusterName: cluster.name,
    userName,
    server: cluster.server,
    namespace: context.namespace ?? 'default',
  };

  let inflight: Promise<RequestAuth> | undefined;
  const authenticate = (): Promise<RequestAuth> => {
    inflight ??= applyAuth(view, resolved).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  return {
    server: cluster.server,
    contextName: name,
    userName,
    authenticate,
    resolved,
  };
}

async function applyAuth(view: KubeConfig, resolved: ResolvedContext): Promise<RequestAuth> {
  const opts: HttpsRequestOptions = { headers: {} };
  try {
    await view.applyToHTTPSOptions(opts);
  } catch (error) {
    throw configError(
      `could not obtain credentials for user "${resolved.userName ?? '(none)'}" of context "${resolved.contextName}": ${errorMessage(error)}`,
      'Check the user entry in the kubeconfig: run its exec plugin by hand, log in again with your cloud CLI, or check that token and certificate files exist.',
      error,
    );
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(opts.headers ?? {})) {
    if (value === undefined) continue;
    // Token files often end in a newline; a header value must not.
    headers[key.toLowerCase()] = (Array.isArray(value) ? value.join(', ') : String(value)).trim();
  }
  if (typeof opts.auth === 'string' && opts.auth !== '') {
    headers['authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  }
  return {
    headers,
    tls: {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key as RequestAuth['tls']['key'],
      rejectUnauthorized: opts.rejectUnauthorized,
      servername: opts.servername,
    },
  };
}
