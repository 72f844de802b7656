/**
 * Finding and merging kubeconfig files the way kubectl does (k8s.io/client-go
 * tools/clientcmd/loader.go, ClientConfigLoadingRules.Load):
 * - `--kubeconfig` (ExplicitPath): that file only, and it must exist;
 * - otherwise every file of `KUBECONFIG` (missing ones skipped), merged so that the first file to
 *   define a cluster, user or context name wins that whole entry (later entries of the same name
 *   are dropped, even their fields the first one leaves empty), and the first file to set a
 *   non-empty `current-context` wins;
 * - otherwise `~/.kube/config`;
 * - otherwise the in-cluster service account.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { loadInCluster, SERVICE_ACCOUNT_DIR } from './in-cluster.js';
import { applyOverrides, type KubeConfigOverrides } from './kubeconfig-overrides.js';
import {
  configError,
  KubeConfig,
  readKubeconfigDocument,
  type KubeconfigDocument,
} from './kubeconfig-model.js';

/** Options of {@link loadKubeConfig}. */
export interface LoadKubeConfigOptions {
  /**
   * Path of a kubeconfig file, like kubectl's `--kubeconfig`. The file must exist. When set,
   * `KUBECONFIG` and `~/.kube/config` are not read. (Several paths joined with the platform path
   * delimiter are merged like `KUBECONFIG`, each of them required.)
   */
  readonly kubeconfig?: string | undefined;
  /** Context to make current, like `--context`. Must exist; the error lists the available ones. */
  readonly context?: string | undefined;
  /**
   * Environment to read `KUBECONFIG`, `HOME`/`USERPROFILE`, `KUBERNETES_SERVICE_HOST`/`_PORT`,
   * proxy variables and exec plugins' environment from. Defaults to `process.env`.
   */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Directory of the in-cluster service-account files (`token`, `ca.crt`, `namespace`). For tests. */
  readonly serviceAccountDir?: string | undefined;
  /** kubectl's command-line overrides (`--server`, `--token`, `--user`, `--as`, ...) of the context. */
  readonly overrides?: KubeConfigOverrides | undefined;
}

/** Where the loaded configuration came from (for messages). */
export type KubeConfigSource =
  | { readonly kind: 'files'; readonly files: readonly string[] }
  | { readonly kind: 'in-cluster'; readonly dir: string };

const sourceOf = new WeakMap<KubeConfig, KubeConfigSource>();
const envOf = new WeakMap<KubeConfig, NodeJS.ProcessEnv>();

/** Where `loadKubeConfig` found this configuration, when it loaded it. */
export function kubeConfigSource(kc: KubeConfig): KubeConfigSource | undefined {
  return sourceOf.get(kc);
}

/** The environment `loadKubeConfig` read (exec plugins and proxies use it); `process.env` otherwise. */
export function kubeConfigEnv(kc: KubeConfig): NodeJS.ProcessEnv {
  return envOf.get(kc) ?? process.env;
}

/** loader.go's merge: first definition of a name wins whole; first non-empty current-context wins. */
export function mergeKubeconfigs(docs: readonly KubeconfigDocument[]): KubeconfigDocument {
  const firstByName = <T extends { readonly name: string }>(lists: (readonly T[])[]): T[] => {
    const byName = new Map<string, T>();
    for (const list of lists)
      for (const entry of list) if (!byName.has(entry.name)) byName.set(entry.name, entry);
    return [...byName.values()];
  };
  return {
    clusters: firstByName(docs.map((d) => d.clusters)),
    users: firstByName(docs.map((d) => d.users)),
    contexts: firstByName(docs.map((d) => d.contexts)),
    currentContext: docs.find((d) => d.currentContext !== '')?.currentContext ?? '',
  };
}

function splitPaths(value: string): string[] {
  // loader.go deduplicates the list (deduplicate(filepath.SplitList(...))) and skips empty items.
  return [...new Set(value.split(path.delimiter).filter((p) => p.trim() !== ''))];
}

function homeDirectory(env: NodeJS.ProcessEnv): string {
  return env['HOME'] || env['USERPROFILE'] || homedir();
}

function fromFiles(docs: readonly KubeconfigDocument[], files: readonly string[]): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions(mergeKubeconfigs(docs));
  sourceOf.set(kc, { kind: 'files', files });
  return kc;
}

function contextNames(kc: KubeConfig): string {
  const names = kc.getContexts().map((c) => c.name);
  return names.length === 0 ? '(none)' : names.join(', ');
}

/** Throws a CONFIG error unless `name` is a context of `kc`; lists the available ones. */
export function requireContext(kc: KubeConfig, name: string, origin: string) {
  const context = kc.getContextObject(name);
  if (context === null) {
    throw configError(
      `context "${name}" ${origin} was not found in the kubeconfig; available contexts: ${contextNames(kc)}`,
      'List them with `kubectl config get-contexts` and pass one of them as the context.',
    );
  }
  return context;
}

/** The names of the contexts of `kc`, for messages. */
export { contextNames };

function loadFiles(
  options: LoadKubeConfigOptions,
  env: NodeJS.ProcessEnv,
  tried: string[],
): KubeConfig | undefined {
  if (options.kubeconfig !== undefined && options.kubeconfig.trim() !== '') {
    const files = splitPaths(options.kubeconfig);
    const docs = files.map((file) => {
      const doc = readKubeconfigDocument(file);
      if (doc === undefined) {
        throw configError(
          `kubeconfig file ${file} (given with --kubeconfig / the kubeconfig option) does not exist`,
          'Check the path, or leave the option out to use KUBECONFIG or ~/.kube/config.',
        );
      }
      return doc;
    });
    return fromFiles(docs, files);
  }
  const list = env['KUBECONFIG'];
  if (list !== undefined && list.trim() !== '') {
    const found: string[] = [];
    const docs: KubeconfigDocument[] = [];
    for (const file of splitPaths(list)) {
      const doc = readKubeconfigDocument(file);
      if (doc === undefined) continue;
      found.push(file);
      docs.push(doc);
    }
    if (docs.length > 0) return fromFiles(docs, found);
    tried.push(`KUBECONFIG=${list} (none of its files exist)`);
    return undefined;
  }
  const file = path.join(homeDirectory(env), '.kube', 'config');
  const doc = readKubeconfigDocument(file);
  if (doc !== undefined) return fromFiles([doc], [file]);
  tried.push(file);
  return undefined;
}

/**
 * Loads a kubeconfig the way kubectl does:
 * 1. `options.kubeconfig` (like `--kubeconfig`): only that file, which must exist;
 * 2. otherwise `KUBECONFIG` from `options.env`: its files are merged (first definition of a name
 *    wins, first `current-context` wins); missing files are skipped;
 * 3. otherwise `~/.kube/config` (home from `HOME`, then `USERPROFILE`);
 * 4. otherwise the in-cluster service account (`KUBERNETES_SERVICE_HOST`/`_PORT` and the token).
 *
 * Relative certificate, key, token-file and exec command paths are resolved against the file that
 * names them. `options.context` becomes the current context and `options.overrides` are applied
 * to it. Every failure is a `KUBEMETRICS_ERR_CONFIG` error with a hint.
 *
 * @example
 * const kc = loadKubeConfig({ context: 'prod' });
 * const client = new MetricsClient(kc);
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const serviceAccountDir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const tried: string[] = [];
  let kc = loadFiles(options, env, tried);
  if (kc === undefined) {
    kc = loadInCluster(env, serviceAccountDir);
    if (kc === undefined && options.overrides?.server !== undefined) {
      // kubectl --server works without any kubeconfig: the overrides make the whole context.
      kc = new KubeConfig();
    } else if (kc === undefined) {
      tried.push(
        `in-cluster service account (KUBERNETES_SERVICE_HOST/PORT and ${path.join(serviceAccountDir, 'token')})`,
      );
      throw configError(
        `no Kubernetes configuration found; tried: ${tried.join('; ')}`,
        'Pass --kubeconfig <file>, set KUBECONFIG, create ~/.kube/config (e.g. with your cloud CLI), or run inside a pod.',
      );
    } else {
      sourceOf.set(kc, { kind: 'in-cluster', dir: serviceAccountDir });
    }
  }
  if (options.context !== undefined && options.context !== '') {
    requireContext(kc, options.context, '(from --context / the context option)');
    kc.setCurrentContext(options.context);
  }
  if (options.overrides !== undefined) {
    const source = sourceOf.get(kc);
    kc = applyOverrides(kc, options.overrides);
    if (source !== undefined) sourceOf.set(kc, source);
  }
  envOf.set(kc, env);
  return kc;
}
