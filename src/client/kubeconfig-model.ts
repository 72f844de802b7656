/**
 * The kubeconfig model: named clusters, users and contexts as client-go's clientcmd v1 types
 * define them (k8s.io/client-go/tools/clientcmd/api/v1/types.go), read from one YAML or JSON
 * document. File references are resolved against the directory of the file that names them, as
 * clientcmd's ResolveLocalPaths (tools/clientcmd/loader.go) does, so a merged configuration never
 * depends on the working directory.
 *
 * Field names follow @kubernetes/client-node's `KubeConfig` where it had one (`caData`,
 * `skipTLSVerify`, `certFile`, ...), so code written against it keeps working with ours.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KubemetricsError } from '../errors.js';
import { parseKubeconfigYaml } from './kubeconfig-yaml.js';

/** A cluster entry (`clusters[].cluster`). */
export interface Cluster {
  readonly name: string;
  readonly server: string;
  /** `certificate-authority-data`: base64 of PEM, as in the file. */
  readonly caData?: string | undefined;
  /** `certificate-authority`: an absolute path. */
  readonly caFile?: string | undefined;
  readonly skipTLSVerify?: boolean | undefined;
  readonly tlsServerName?: string | undefined;
  /** `proxy-url`: an http(s) proxy for this cluster (beats `HTTPS_PROXY`). */
  readonly proxyUrl?: string | undefined;
  /** The `client.authentication.k8s.io/exec` extension, handed to exec plugins with provideClusterInfo. */
  readonly execExtension?: unknown;
}

/** One `env` entry of an exec plugin. */
export interface ExecEnvVar {
  readonly name: string;
  readonly value: string;
}

/** When an exec plugin may talk to the user (clientcmd api ExecInteractiveMode). */
export type ExecInteractiveMode = 'Never' | 'IfAvailable' | 'Always';

/** `users[].user.exec`: a credential plugin (client.authentication.k8s.io). */
export interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[] | undefined;
  readonly env?: readonly ExecEnvVar[] | undefined;
  readonly apiVersion: string;
  readonly interactiveMode?: ExecInteractiveMode | undefined;
  readonly provideClusterInfo?: boolean | undefined;
  readonly installHint?: string | undefined;
}

/** `users[].user.auth-provider`. */
export interface AuthProviderConfig {
  readonly name: string;
  readonly config?: Readonly<Record<string, string>> | undefined;
}

/** A user entry (`users[].user`, client-go's AuthInfo). */
export interface User {
  readonly name: string;
  readonly token?: string | undefined;
  /** `tokenFile`: an absolute path; re-read while the client lives. */
  readonly tokenFile?: string | undefined;
  /** `client-certificate-data`: base64 of PEM. */
  readonly certData?: string | undefined;
  readonly certFile?: string | undefined;
  /** `client-key-data`: base64 of PEM. */
  readonly keyData?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly exec?: ExecConfig | undefined;
  readonly authProvider?: AuthProviderConfig | undefined;
  /** `as`: the user to impersonate (`Impersonate-User`). */
  readonly impersonate?: string | undefined;
  /** `as-groups`: groups to impersonate (`Impersonate-Group`). */
  readonly impersonateGroups?: readonly string[] | undefined;
}

/** A context entry (`contexts[].context`). */
export interface Context {
  readonly name: string;
  readonly cluster: string;
  /** The user's name; empty or absent means anonymous requests. */
  readonly user?: string | undefined;
  readonly namespace?: string | undefined;
}

/** What one kubeconfig document holds. */
export interface KubeconfigDocument {
  readonly clusters: readonly Cluster[];
  readonly users: readonly User[];
  readonly contexts: readonly Context[];
  /** Empty when the document does not set one (client-go treats "" as unset). */
  readonly currentContext: string;
}

/** Options of {@link KubeConfig.loadFromOptions}. */
export interface KubeConfigOptions {
  readonly clusters?: readonly Cluster[];
  readonly users?: readonly User[];
  readonly contexts?: readonly Context[];
  readonly currentContext?: string;
}

export function configError(message: string, hint: string, cause?: unknown): KubemetricsError {
  return new KubemetricsError('KUBEMETRICS_ERR_CONFIG', message, { hint, cause });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Clusters, users and contexts by name and a current context. Build one with `loadKubeConfig()`
 * (kubectl's file search and merge), `loadFromString`/`loadFromFile` (one document) or
 * `loadFromOptions` (objects).
 */
export class KubeConfig {
  clusters: Cluster[] = [];
  users: User[] = [];
  contexts: Context[] = [];
  currentContext = '';

  /** Replaces the content with `options`. */
  loadFromOptions(options: KubeConfigOptions): void {
    this.clusters = [...(options.clusters ?? [])];
    this.users = [...(options.users ?? [])];
    this.contexts = [...(options.contexts ?? [])];
    this.currentContext = options.currentContext ?? '';
  }

  /** One cluster and one user under a context named `loaded-context` (as client-node names it). */
  loadFromClusterAndUser(cluster: Cluster, user: User): void {
    this.loadFromOptions({
      clusters: [cluster],
      users: [user],
      contexts: [{ name: 'loaded-context', cluster: cluster.name, user: user.name }],
      currentContext: 'loaded-context',
    });
  }

  /**
   * Loads one kubeconfig document (YAML or JSON). Relative file names in it are resolved against
   * `baseDir` (default: the working directory).
   */
  loadFromString(text: string, baseDir: string = process.cwd(), origin = 'the kubeconfig'): void {
    this.loadFromOptions(parseKubeconfig(text, baseDir, origin));
  }

  /** Loads one kubeconfig file; relative file names in it are resolved against its directory. */
  loadFromFile(file: string): void {
    const docs = readKubeconfigDocument(file);
    if (docs === undefined) {
      throw configError(`kubeconfig file ${file} does not exist`, 'Check the path.');
    }
    this.loadFromOptions(docs);
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
  }

  getContexts(): readonly Context[] {
    return this.contexts;
  }

  getClusters(): readonly Cluster[] {
    return this.clusters;
  }

  getUsers(): readonly User[] {
    return this.users;
  }

  getContextObject(name: string): Context | null {
    return this.contexts.find((c) => c.name === name) ?? null;
  }

  getCluster(name: string): Cluster | null {
    return this.clusters.find((c) => c.name === name) ?? null;
  }

  getUser(name: string): User | null {
    return this.users.find((u) => u.name === name) ?? null;
  }

  getCurrentCluster(): Cluster | null {
    const context = this.getContextObject(this.currentContext);
    return context === null ? null : this.getCluster(context.cluster);
  }

  getCurrentUser(): User | null {
    const context = this.getContextObject(this.currentContext);
    return context?.user === undefined ? null : this.getUser(context.user);
  }
}

// ---- reading one document ------------------------------------------------------------------

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Reads and parses one kubeconfig file; `undefined` when it does not exist. */
export function readKubeconfigDocument(file: string): KubeconfigDocument | undefined {
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
  return parseKubeconfig(text, path.dirname(path.resolve(file)), file);
}

const checkHint = (origin: string): string =>
  origin === 'the kubeconfig'
    ? 'Check it with `kubectl config view`.'
    : `Check the file with \`kubectl config view --kubeconfig ${origin}\`.`;

/** Parses one kubeconfig document; `origin` names it in errors. */
export function parseKubeconfig(text: string, baseDir: string, origin: string): KubeconfigDocument {
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : parseKubeconfigYaml(text);
  } catch (error) {
    throw configError(
      `kubeconfig ${origin} is not valid YAML: ${errorMessage(error)}`,
      checkHint(origin),
      error,
    );
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw configError(
      `kubeconfig ${origin} is not a kubeconfig: expected a mapping with clusters, users and contexts`,
      checkHint(origin),
    );
  }
  return new DocumentReader(doc as Record<string, unknown>, baseDir, origin).read();
}

type Fields = Record<string, unknown>;

/** Turns the kebab-case document into the model, naming the entry and field of every problem. */
class DocumentReader {
  constructor(
    private readonly doc: Fields,
    private readonly baseDir: string,
    private readonly origin: string,
  ) {}

  read(): KubeconfigDocument {
    const current = this.doc['current-context'];
    if (current !== undefined && current !== null && typeof current !== 'string') {
      throw this.fail('current-context must be a string');
    }
    return {
      clusters: this.entries('clusters', 'cluster', (name, f, where) => this.cluster(name, f, where)),
      users: this.entries('users', 'user', (name, f, where) => this.user(name, f, where)),
      contexts: this.entries('contexts', 'context', (name, f, where) => this.context(name, f, where)),
      currentContext: current ?? '',
    };
  }

  private fail(problem: string): KubemetricsError {
    return configError(`kubeconfig ${this.origin} is invalid: ${problem}`, checkHint(this.origin));
  }

  /**
   * A named list; a name defined twice in one file is an error, as in client-go's v1 conversion
   * (Convert_Slice_v1_NamedCluster_To_Map_string_To_Pointer_api_Cluster: "duplicate name").
   */
  private entries<T>(
    key: string,
    inner: string,
    build: (name: string, fields: Fields, where: string) => T,
  ): T[] {
    const value = this.doc[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.fail(`${key} must be a list`);
    const seen = new Set<string>();
    return value.map((entry: unknown, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw this.fail(`${key}[${index}] must be a mapping with name and ${inner}`);
      }
      const e = entry as Fields;
      const name = e['name'];
      if (typeof name !== 'string' || name === '') throw this.fail(`${key}[${index}] has no name`);
      if (seen.has(name)) throw this.fail(`${key} defines "${name}" twice`);
      seen.add(name);
      const fields = e[inner] ?? {};
      const where = `${key.slice(0, -1)} "${name}"`;
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
        throw this.fail(`${where}: ${inner} must be a mapping`);
      }
      return build(name, fields as Fields, where);
    });
  }

  private string(f: Fields, key: string, where: string): string | undefined {
    const v = f[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw this.fail(`${where}: ${key} must be a string`);
    return v;
  }

  private boolean(f: Fields, key: string, where: string): boolean | undefined {
    const v = f[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw this.fail(`${where}: ${key} must be true or false`);
    return v;
  }

  private strings(f: Fields, key: string, where: string): string[] | undefined {
    const v = f[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      throw this.fail(`${where}: ${key} must be a list of strings`);
    }
    return v as string[];
  }

  /** `*-data` fields are base64 in the file; checked here so the error names the field. */
  private base64(f: Fields, key: string, where: string): string | undefined {
    const v = this.string(f, key, where);
    if (v !== undefined && !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(v)) {
      throw this.fail(`${where}: ${key} is not base64 (it holds the PEM text base64-encoded)`);
    }
    return v;
  }

  private file(f: Fields, key: string, where: string): string | undefined {
    const v = this.string(f, key, where);
    return v === undefined ? undefined : path.resolve(this.baseDir, v);
  }

  private cluster(name: string, f: Fields, where: string): Cluster {
    const server = this.string(f, 'server', where) ?? '';
    const extensions = f['extensions'];
    const execExtension = Array.isArray(extensions)
      ? (extensions as Fields[]).find((e) => e?.['name'] === 'client.authentication.k8s.io/exec')?.[
          'extension'
        ]
      : undefined;
    return {
      name,
      server,
      caData: this.base64(f, 'certificate-authority-data', where),
      caFile: this.file(f, 'certificate-authority', where),
      skipTLSVerify: this.boolean(f, 'insecure-skip-tls-verify', where),
      tlsServerName: this.string(f, 'tls-server-name', where),
      proxyUrl: this.string(f, 'proxy-url', where),
      execExtension,
    };
  }

  private user(name: string, f: Fields, where: string): User {
    const provider = f['auth-provider'];
    let authProvider: AuthProviderConfig | undefined;
    if (provider !== undefined && provider !== null) {
      const p = provider as Fields;
      if (typeof p !== 'object' || typeof p['name'] !== 'string') {
        throw this.fail(`${where}: auth-provider must be a mapping with a name`);
      }
      authProvider = { name: p['name'], config: (p['config'] ?? {}) as Record<string, string> };
    }
    return {
      name,
      token: this.string(f, 'token', where),
      tokenFile: this.file(f, 'tokenFile', where),
      certData: this.base64(f, 'client-certificate-data', where),
      certFile: this.file(f, 'client-certificate', where),
      keyData: this.base64(f, 'client-key-data', where),
      keyFile: this.file(f, 'client-key', where),
      username: this.string(f, 'username', where),
      password: this.string(f, 'password', where),
      exec: this.exec(f['exec'], where),
      authProvider,
      impersonate: this.string(f, 'as', where),
      impersonateGroups: this.strings(f, 'as-groups', where),
    };
  }

  private exec(value: unknown, where: string): ExecConfig | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      throw this.fail(`${where}: exec must be a mapping`);
    const f = value as Fields;
    const w = `${where} exec`;
    const command = this.string(f, 'command', w);
    if (command === undefined) throw this.fail(`${w}: command is missing`);
    const apiVersion = this.string(f, 'apiVersion', w);
    if (apiVersion === undefined) throw this.fail(`${w}: apiVersion is missing`);
    const mode = this.string(f, 'interactiveMode', w);
    if (mode !== undefined && mode !== 'Never' && mode !== 'IfAvailable' && mode !== 'Always') {
      throw this.fail(`${w}: interactiveMode must be Never, IfAvailable or Always, got "${mode}"`);
    }
    const env = f['env'];
    if (env !== undefined && env !== null) {
      if (
        !Array.isArray(env) ||
        env.some((e: Fields) => typeof e?.['name'] !== 'string' || typeof e['value'] !== 'string')
      ) {
        throw this.fail(`${w}: env must be a list of {name, value} strings`);
      }
    }
    return {
      // ResolveLocalPaths resolves the command only when it names a path (contains a separator);
      // a bare name is looked up on PATH.
      command:
        command.includes('/') || command.includes(path.sep) ? path.resolve(this.baseDir, command) : command,
      args: this.strings(f, 'args', w),
      env: (env ?? undefined) as ExecEnvVar[] | undefined,
      apiVersion,
      interactiveMode: mode,
      provideClusterInfo: this.boolean(f, 'provideClusterInfo', w),
      installHint: this.string(f, 'installHint', w),
    };
  }

  private context(name: string, f: Fields, where: string): Context {
    return {
      name,
      cluster: this.string(f, 'cluster', where) ?? '',
      user: this.string(f, 'user', where),
      namespace: this.string(f, 'namespace', where),
    };
  }
}
