/**
 * Exec credential plugins (client.authentication.k8s.io v1 and v1beta1), run the way client-go
 * runs them (k8s.io/client-go/plugin/pkg/client/auth/exec/exec.go):
 * - the plugin gets our environment plus the kubeconfig's `env` entries, and KUBERNETES_EXEC_INFO
 *   holding an ExecCredential whose spec says whether it may be interactive and, with
 *   `provideClusterInfo`, describes the cluster (CA data read from the CA file if need be, and the
 *   `client.authentication.k8s.io/exec` cluster extension as `config`);
 * - `interactiveMode`: v1 requires it; v1beta1 defaults to IfAvailable. Never: no stdin.
 *   IfAvailable: stdin only when it is a terminal. Always: an error when stdin is no terminal;
 * - the answer must be an ExecCredential of the same apiVersion with a token or a client
 *   certificate and key (both), and is reused until its `expirationTimestamp` (forever without).
 * Failures name the command, its exit status and what it wrote to stderr.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { configError, errorMessage, type Cluster, type ExecConfig } from './kubeconfig-model.js';

const API_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);

/** Most of a plugin's stderr worth putting in an error message. */
const STDERR_LIMIT = 4096;

/** What a plugin answered. Certificate and key are PEM. */
export interface ExecCredentialStatus {
  readonly token?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /** Epoch ms after which the plugin runs again; `undefined`: never expires. */
  readonly expiresAt?: number | undefined;
}

export interface ExecPluginOptions {
  readonly config: ExecConfig;
  readonly cluster: Cluster;
  readonly userName: string;
  readonly env: NodeJS.ProcessEnv;
  /** Whether our stdin is a terminal (injectable for tests). */
  readonly stdinIsTerminal?: (() => boolean) | undefined;
  readonly now?: (() => number) | undefined;
}

/** One plugin of one user; concurrent callers share a run, answers are cached until they expire. */
export class ExecPlugin {
  readonly #options: ExecPluginOptions;
  #cached: ExecCredentialStatus | undefined;
  #running: Promise<ExecCredentialStatus> | undefined;

  constructor(options: ExecPluginOptions) {
    this.#options = options;
  }

  credential(): Promise<ExecCredentialStatus> {
    const now = this.#options.now?.() ?? Date.now();
    const cached = this.#cached;
    if (cached !== undefined && (cached.expiresAt === undefined || now < cached.expiresAt)) {
      return Promise.resolve(cached);
    }
    this.#running ??= this.#run()
      .then((status) => {
        this.#cached = status;
        return status;
      })
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  #describe(): string {
    return `exec plugin "${this.#options.config.command}" of user "${this.#options.userName}"`;
  }

  #fail(problem: string, hint?: string, cause?: unknown) {
    return configError(
      `${this.#describe()} ${problem}`,
      hint ??
        'Run the exec plugin by hand (the exec command and args of the user in the kubeconfig) to see what it needs; often a fresh login with your cloud CLI.',
      cause,
    );
  }

  #interactive(): boolean {
    const { config } = this.#options;
    const mode =
      config.interactiveMode ?? (config.apiVersion.endsWith('/v1beta1') ? 'IfAvailable' : undefined);
    if (mode === undefined) {
      throw this.#fail(
        `has no interactiveMode, which ${config.apiVersion} requires`,
        'Add `interactiveMode: Never` (or IfAvailable / Always) to the exec section of the user.',
      );
    }
    const terminal = (this.#options.stdinIsTerminal ?? (() => process.stdin.isTTY === true))();
    if (mode === 'Always' && !terminal) {
      throw this.#fail(
        'needs an interactive terminal (interactiveMode: Always), but standard input is not a terminal',
        'Run the command from a terminal, or log in first so the plugin can answer without asking.',
      );
    }
    return mode !== 'Never' && terminal;
  }

  #execInfo(interactive: boolean): string {
    const { config, cluster } = this.#options;
    const spec: Record<string, unknown> = { interactive };
    if (config.provideClusterInfo === true) {
      let caData = cluster.caData;
      if (caData === undefined && cluster.caFile !== undefined) {
        try {
          caData = readFileSync(cluster.caFile).toString('base64');
        } catch (error) {
          throw this.#fail(
            `needs the cluster's CA, but ${cluster.caFile} cannot be read: ${errorMessage(error)}`,
            'Check certificate-authority of the cluster in the kubeconfig.',
            error,
          );
        }
      }
      spec['cluster'] = {
        server: cluster.server,
        ...(cluster.tlsServerName === undefined ? {} : { 'tls-server-name': cluster.tlsServerName }),
        ...(cluster.skipTLSVerify === true ? { 'insecure-skip-tls-verify': true } : {}),
        ...(caData === undefined ? {} : { 'certificate-authority-data': caData.replace(/\s/g, '') }),
        ...(cluster.proxyUrl === undefined ? {} : { 'proxy-url': cluster.proxyUrl }),
        // client-go always sends `config` (null without the extension); plugins may rely on it.
        config: cluster.execExtension ?? null,
      };
    }
    return JSON.stringify({ apiVersion: config.apiVersion, kind: 'ExecCredential', spec });
  }

  async #run(): Promise<ExecCredentialStatus> {
    const { config, env } = this.#options;
    if (!API_VERSIONS.has(config.apiVersion)) {
      throw this.#fail(
        `uses apiVersion ${config.apiVersion}; supported are ${[...API_VERSIONS].join(' and ')}`,
        'Update the plugin and its apiVersion in the kubeconfig (v1alpha1 was removed from Kubernetes).',
      );
    }
    const interactive = this.#interactive();
    const childEnv: NodeJS.ProcessEnv = { ...env };
    for (const { name, value } of config.env ?? []) childEnv[name] = value;
    childEnv['KUBERNETES_EXEC_INFO'] = this.#execInfo(interactive);

    const { code, signal, stdout, stderr, spawnError } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
      spawnError?: NodeJS.ErrnoException;
    }>((resolve) => {
      const child = spawn(config.command, [...(config.args ?? [])], {
        env: childEnv,
        stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        // An interactive plugin prompts on stderr: the user must see it as it comes.
        if (interactive) process.stderr.write(chunk);
        if (err.length < STDERR_LIMIT) err += chunk.toString('utf8');
      });
      let spawnError: NodeJS.ErrnoException | undefined;
      child.on('error', (error: NodeJS.ErrnoException) => {
        spawnError = error;
      });
      child.on('close', (exitCode, exitSignal) =>
        resolve({
          code: exitCode,
          signal: exitSignal,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: err.trim().slice(0, STDERR_LIMIT),
          ...(spawnError === undefined ? {} : { spawnError }),
        }),
      );
    });

    if (spawnError !== undefined) {
      const notFound = spawnError.code === 'ENOENT';
      throw this.#fail(
        notFound
          ? 'was not found (not on PATH and not a file)'
          : `could not be started: ${spawnError.message}`,
        config.installHint?.trim() ||
          'Install the plugin, or fix the exec command of the user in the kubeconfig (a relative path is resolved against the kubeconfig file).',
        spawnError,
      );
    }
    if (code !== 0) {
      const how = signal !== null ? `was killed by ${signal}` : `exited with status ${String(code)}`;
      throw this.#fail(`${how}${stderr === '' ? ' and wrote nothing to stderr' : `: ${stderr}`}`);
    }
    return this.#parse(stdout);
  }

  #parse(stdout: string): ExecCredentialStatus {
    const { config } = this.#options;
    let doc: unknown;
    try {
      doc = JSON.parse(stdout);
    } catch (error) {
      throw this.#fail(
        `did not print an ExecCredential (JSON) on stdout: ${errorMessage(error)}; output began ${JSON.stringify(stdout.slice(0, 80))}`,
        undefined,
        error,
      );
    }
    const d = (doc ?? {}) as Record<string, unknown>;
    if (d['kind'] !== 'ExecCredential')
      throw this.#fail(`printed kind ${String(d['kind'])}, not ExecCredential`);
    if (d['apiVersion'] !== config.apiVersion) {
      throw this.#fail(
        `is configured for ${config.apiVersion} but answered with apiVersion ${String(d['apiVersion'])}`,
        'Make the apiVersion of the exec section match what the plugin prints.',
      );
    }
    const status = (d['status'] ?? {}) as Record<string, unknown>;
    const text = (key: string): string | undefined => {
      const v = status[key];
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const token = text('token');
    const cert = text('clientCertificateData');
    const key = text('clientKeyData');
    if ((cert === undefined) !== (key === undefined)) {
      throw this.#fail('answered with only one of clientCertificateData and clientKeyData; both are needed');
    }
    if (token === undefined && cert === undefined) {
      throw this.#fail('answered without a token or a client certificate');
    }
    const expiry = text('expirationTimestamp');
    let expiresAt: number | undefined;
    if (expiry !== undefined) {
      expiresAt = Date.parse(expiry);
      if (Number.isNaN(expiresAt))
        throw this.#fail(`answered with an invalid expirationTimestamp "${expiry}"`);
    }
    return { token, cert, key, expiresAt };
  }
}
