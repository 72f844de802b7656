/**
 * `kubemetrics apiserver`: runs the metrics API server as an aggregated API server (TLS, delegated
 * authentication and authorization, informers, `/metrics`) from a config file and/or flags named
 * like kube-apiserver's; `kubemetrics apiserver certs` writes a CA and a serving certificate for
 * the APIService. Configuration flows one way: file + flags → one validated, frozen config
 * (server-config.ts; every problem reported with its field path) → constructors.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ClusterAccess,
  ClusterObjectLister,
  readYamlFile,
  createMetricsApiServer,
  generateServingCertificate,
  parseServerConfig,
  needsCluster,
  servingHosts,
} from '../../apiserver/index.js';
import type { DebugHandler, Logger, MetricsProviders, ServerConfig } from '../../apiserver/index.js';
import { KubemetricsError } from '../../errors.js';
import { explainRequest, formatExplanation, PrometheusProvider } from '../../providers/prometheus/index.js';
import { CLUSTER_FLAGS, clusterFlagsGiven, clusterOptions, loadClusterConfig } from '../cluster-options.js';
import { EXIT_OK, type Command } from '../command.js';
import { writeLine, type CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';
import { PROVIDER_TYPES, type CreatedProvider, type PrometheusSettings } from './apiserver-providers.js';

const FLAGS = {
  config: { type: 'string' },
  'secure-port': { type: 'string' },
  'bind-address': { type: 'string' },
  'tls-cert-file': { type: 'string' },
  'tls-private-key-file': { type: 'string' },
  'ca-bundle-file': { type: 'string' },
  'client-ca-file': { type: 'string' },
  'requestheader-client-ca-file': { type: 'string' },
  'requestheader-allowed-names': { type: 'string' },
  'requestheader-username-headers': { type: 'string' },
  'requestheader-group-headers': { type: 'string' },
  'requestheader-extra-headers-prefix': { type: 'string' },
  'authentication-skip-lookup': { type: 'boolean' },
  'anonymous-auth': { type: 'string' },
  'authorization-mode': { type: 'string' },
  'metrics-file': { type: 'string' },
  'prometheus-url': { type: 'string' },
  'prometheus-adapter-config': { type: 'string' },
  'prometheus-ca-file': { type: 'string' },
  'prometheus-client-tls-cert-file': { type: 'string' },
  'prometheus-client-tls-key-file': { type: 'string' },
  'prometheus-token-file': { type: 'string' },
  'prometheus-header': { type: 'string', multiple: true },
  'prometheus-timeout': { type: 'string' },
  'metrics-relist-interval': { type: 'string' },
  'enable-debug-explain': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  // The kubectl cluster flags, as on top/capacity/serve (cluster-options.ts); --kubeconfig and
  // --context also override the config file's cluster section.
  ...CLUSTER_FLAGS,
  'log-level': { type: 'string' },
} as const;

const CERT_FLAGS = {
  service: { type: 'string' },
  namespace: { type: 'string' },
  out: { type: 'string' },
  host: { type: 'string', multiple: true },
  days: { type: 'string' },
} as const;

// ---------------------------------------------------------------------------------------------

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** JSON lines on stderr, one object per event (what log collectors expect from a pod). */
function jsonLogger(io: CliIO, level: ServerConfig['logLevel']): Logger {
  const threshold = LEVELS.indexOf(level);
  const method =
    (name: (typeof LEVELS)[number]) =>
    (fields: Readonly<Record<string, unknown>>, msg: string): void => {
      if (LEVELS.indexOf(name) < threshold) return;
      writeLine(io.stderr, JSON.stringify({ time: new Date().toISOString(), level: name, msg, ...fields }));
    };
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}

function parse<T extends typeof FLAGS | typeof CERT_FLAGS>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'apiserver');
  }
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

type Mutable = Record<string, unknown>;
const section = (doc: Mutable, key: string): Mutable => {
  const value = doc[key];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Mutable;
  const created: Mutable = {};
  doc[key] = created;
  return created;
};

/** Applies flags over the file's document, so one validation covers both. */
function overlayFlags(document: unknown, values: ReturnType<typeof parse<typeof FLAGS>>['values']): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  const doc = structuredClone(document) as Mutable;
  const set = (path: string[], value: unknown): void => {
    if (value === undefined) return;
    let target = doc;
    for (const key of path.slice(0, -1)) target = section(target, key);
    target[path[path.length - 1] ?? ''] = value;
  };
  const port = values['secure-port'];
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) > 65535)
      throw new UsageError(
        `--secure-port must be a port number (0-65535), got ${JSON.stringify(port)}`,
        'apiserver',
      );
    set(['listen', 'port'], Number(port));
  }
  set(['listen', 'address'], values['bind-address']);
  set(['tls', 'certFile'], values['tls-cert-file']);
  set(['tls', 'keyFile'], values['tls-private-key-file']);
  set(['tls', 'caBundleFile'], values['ca-bundle-file']);
  set(['authentication', 'clientCAFile'], values['client-ca-file']);
  set(['authentication', 'requestHeader', 'clientCAFile'], values['requestheader-client-ca-file']);
  const lists = [
    ['requestheader-allowed-names', 'allowedNames'],
    ['requestheader-username-headers', 'usernameHeaders'],
    ['requestheader-group-headers', 'groupHeaders'],
    ['requestheader-extra-headers-prefix', 'extraHeaderPrefixes'],
  ] as const;
  for (const [flag, field] of lists) {
    const text = values[flag];
    if (text !== undefined) set(['authentication', 'requestHeader', field], list(text));
  }
  if (values['authentication-skip-lookup'] === true) set(['authentication', 'lookupFromCluster'], false);
  const anonymous = values['anonymous-auth'];
  if (anonymous !== undefined) {
    if (anonymous !== 'true' && anonymous !== 'false')
      throw new UsageError(
        `--anonymous-auth must be true or false, got ${JSON.stringify(anonymous)}`,
        'apiserver',
      );
    set(['authentication', 'anonymous'], anonymous === 'true');
  }
  set(['authorization', 'mode'], values['authorization-mode']);
  set(['cluster', 'kubeconfig'], values.kubeconfig);
  set(['cluster', 'context'], values.context);
  set(['logLevel'], values['log-level']);
  const metricsFile = values['metrics-file'];
  if (metricsFile !== undefined) {
    const providers = Array.isArray(doc['providers']) ? (doc['providers'] as unknown[]) : [];
    doc['providers'] = [...providers, { type: 'memory', file: metricsFile }];
  }
  overlayPrometheusFlags(doc, values);
  return doc;
}

/**
 * The `--prometheus-*` flags fill (or override the fields of) the first `prometheus` provider entry,
 * creating it when the file has none, so flags alone are enough to run the provider.
 */
function overlayPrometheusFlags(
  doc: Mutable,
  values: ReturnType<typeof parse<typeof FLAGS>>['values'],
): void {
  const fields: Record<string, unknown> = {
    url: values['prometheus-url'],
    rulesFile: values['prometheus-adapter-config'],
    caFile: values['prometheus-ca-file'],
    certFile: values['prometheus-client-tls-cert-file'],
    keyFile: values['prometheus-client-tls-key-file'],
    bearerTokenFile: values['prometheus-token-file'],
    timeout: values['prometheus-timeout'],
    discoveryInterval: values['metrics-relist-interval'],
    debugRoute: values['enable-debug-explain'],
  };
  const headers = values['prometheus-header'];
  if (headers !== undefined)
    fields['headers'] = Object.fromEntries(
      headers.map((header) => {
        const eq = header.indexOf('=');
        if (eq <= 0)
          throw new UsageError(
            `--prometheus-header must be NAME=VALUE, got ${JSON.stringify(header)}`,
            'apiserver',
          );
        return [header.slice(0, eq).trim(), header.slice(eq + 1)];
      }),
    );
  if (Object.values(fields).every((v) => v === undefined)) return;
  const providers = Array.isArray(doc['providers']) ? [...(doc['providers'] as unknown[])] : [];
  let index = providers.findIndex((p) => (p as { type?: unknown } | null)?.type === 'prometheus');
  if (index < 0) {
    providers.push({ type: 'prometheus' });
    index = providers.length - 1;
  }
  const entry = { ...(providers[index] as Mutable) };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) entry[key] = value;
  providers[index] = entry;
  doc['providers'] = providers;
}

/** Validated config from the file and the flags, or a CONFIG error listing every problem. */
function loadConfig(values: ReturnType<typeof parse<typeof FLAGS>>['values']): ServerConfig {
  const file = values.config;
  const document = overlayFlags(
    file === undefined ? {} : readYamlFile(file, 'the config file', 'Check the --config path.'),
    values,
  );
  const { config, problems } = parseServerConfig(document, PROVIDER_TYPES);
  if (config === undefined)
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `invalid configuration${file === undefined ? '' : ` (${file} and flags)`}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { hint: 'See "Config file reference" in docs/apiserver.md; flags override the file.' },
    );
  return config;
}

async function serve(values: ReturnType<typeof parse<typeof FLAGS>>['values'], io: CliIO): Promise<number> {
  const flags = clusterOptions(values, 'apiserver');
  const config = loadConfig(values);
  const logger = jsonLogger(io, config.logLevel);
  let cluster: ClusterAccess | undefined;
  let stopLog = (): void => undefined;
  if (needsCluster(config)) {
    // The file's cluster section, with --kubeconfig/--context over it (overlayFlags), and the
    // override flags on top, as kubectl applies them.
    const loaded = await loadClusterConfig(
      { ...flags, kubeconfig: config.cluster.kubeconfig, context: config.cluster.context },
      io,
    );
    stopLog = loaded.stopLog;
    cluster = ClusterAccess.fromKubeConfig(loaded.kubeConfig, {
      // Unset, ClusterAccess keeps the 10 s of k8s.io/apiserver's delegated auth clients.
      ...(values['request-timeout'] === undefined ? {} : { timeoutMs: flags.timeoutMs }),
    });
  } else {
    const given = clusterFlagsGiven(values);
    if (given.length > 0)
      throw new UsageError(
        `${given.map((f) => `--${f}`).join(', ')} given, but this configuration makes no call to the cluster (no token review, webhook authorization, authentication lookup or object lister)`,
        'apiserver',
      );
  }
  const created: CreatedProvider[] = [];
  const closeAll = async (): Promise<void> => {
    for (const provider of created) await provider.close();
    await cluster?.close();
    stopLog();
  };
  try {
    for (const entry of config.providers) {
      const type = PROVIDER_TYPES[entry.type];
      if (type === undefined) continue; // validated already
      created.push(await type.create(entry.settings as never, entry.apis, { logger, signal: io.signal }));
    }
    const providers: MetricsProviders = {
      custom: created.find((p) => p.providers.custom)?.providers.custom,
      external: created.find((p) => p.providers.external)?.providers.external,
      resource: created.find((p) => p.providers.resource)?.providers.resource,
    };
    // metrics.k8s.io answers keep only pods and nodes that exist (apiserver/resource-metrics-handler.ts),
    // so serving them needs both informers. Not with `namespaces`: the lister would run one
    // node informer per namespace and still could not answer for the whole cluster.
    const joined = providers.resource !== undefined && config.objectLister.namespaces.length === 0;
    const listed = [...new Set([...config.objectLister.resources, ...(joined ? ['pods', 'nodes'] : [])])];
    const objectLister =
      config.objectLister.resources.length > 0 && cluster !== undefined
        ? new ClusterObjectLister({
            cluster,
            resources: listed,
            namespaces: config.objectLister.namespaces,
            logger,
          })
        : created.find((p) => p.objectLister !== undefined)?.objectLister;
    const { tls, authentication: authn, authorization: authz } = config;
    const server = createMetricsApiServer({
      providers,
      objectLister,
      cluster,
      logger,
      requestTimeoutMs: config.requestTimeoutMs,
      debugHandlers: Object.assign({}, ...created.map((p) => p.debugHandlers ?? {})) as Record<
        string,
        DebugHandler
      >,
      alwaysAllowPaths: authz.alwaysAllowPaths,
      tls:
        tls.certFile !== undefined
          ? { certFile: tls.certFile, keyFile: tls.keyFile, reloadIntervalMs: tls.reloadIntervalMs }
          : {
              selfSigned: { service: tls.service, namespace: tls.namespace },
              caBundleFile: tls.caBundleFile,
            },
      authentication: {
        anonymous: authn.anonymous,
        clientCA: authn.clientCAFile === undefined ? undefined : { caFile: authn.clientCAFile },
        requestHeader: {
          caFile: authn.requestHeader.clientCAFile,
          allowedNames: authn.requestHeader.allowedNames,
          usernameHeaders: authn.requestHeader.usernameHeaders,
          groupHeaders: authn.requestHeader.groupHeaders,
          extraHeaderPrefixes: authn.requestHeader.extraHeaderPrefixes,
        },
        lookupFromCluster: authn.lookupFromCluster && cluster !== undefined,
        tokenReview:
          authn.tokenReview.enabled && cluster !== undefined
            ? { cacheTtlMs: authn.tokenReview.cacheTtlMs }
            : false,
        reloadIntervalMs: tls.reloadIntervalMs,
      },
      authorization: {
        mode: authz.mode,
        allowCacheTtlMs: authz.allowCacheTtlMs,
        denyCacheTtlMs: authz.denyCacheTtlMs,
        alwaysAllowGroups: authz.alwaysAllowGroups,
      },
    });
    if (io.signal.aborted) return EXIT_OK;
    const started = await server.start({ host: config.listen.address, port: config.listen.port });
    if (tls.certFile === undefined)
      logger.warn(
        { service: `${tls.service}.${tls.namespace}.svc`, caBundleFile: tls.caBundleFile },
        'serving a generated certificate: put its CA in the APIService caBundle (replicas generate different CAs; use --tls-cert-file in production)',
      );
    logger.info({ url: started.url }, 'ready to serve');
    await new Promise<void>((done) => {
      if (io.signal.aborted) done();
      else io.signal.addEventListener('abort', () => done(), { once: true });
    });
    logger.info({}, 'shutting down');
    await server.stop();
    logger.info({}, 'stopped');
    return EXIT_OK;
  } finally {
    await closeAll();
  }
}

function certs(args: readonly string[], io: CliIO): number {
  const { values, positionals } = parse(args, CERT_FLAGS);
  if (positionals.length > 0)
    throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`, 'apiserver');
  const days = values.days === undefined ? 365 : Number(values.days);
  if (!Number.isInteger(days) || days <= 0)
    throw new UsageError(
      `--days must be a positive whole number, got ${JSON.stringify(values.days)}`,
      'apiserver',
    );
  const options = { service: values.service, namespace: values.namespace, hosts: values.host, days };
  const generated = generateServingCertificate(options);
  const out = resolve(values.out ?? '.');
  const files = {
    ca: join(out, 'ca.crt'),
    cert: join(out, 'tls.crt'),
    key: join(out, 'tls.key'),
    bundle: join(out, 'ca-bundle.base64'),
  };
  try {
    mkdirSync(out, { recursive: true });
    writeFileSync(files.ca, generated.caPem);
    writeFileSync(files.cert, generated.certPem);
    writeFileSync(files.key, generated.keyPem, { mode: 0o600 });
    chmodSync(files.key, 0o600);
    writeFileSync(files.bundle, Buffer.from(generated.caPem).toString('base64'));
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `cannot write the certificates to ${out}: ${(error as Error).message}`,
      {
        hint: 'Choose a writable directory with --out.',
      },
    );
  }
  const { dnsNames, ipAddresses } = servingHosts(options);
  writeLine(
    io.stdout,
    `wrote ${files.cert} and ${files.key} (valid ${days} days) for: ${[...dnsNames, ...ipAddresses].join(', ')}`,
  );
  writeLine(
    io.stdout,
    `wrote ${files.ca} (the CA) and ${files.bundle} (the APIService spec.caBundle, base64)`,
  );
  writeLine(
    io.stdout,
    'next: kubectl create secret tls kubemetrics-apiserver-tls --cert tls.crt --key tls.key -n <namespace>',
  );
  return EXIT_OK;
}

/** `apiserver explain PATH`: one request through the Prometheus provider, every step shown. */
async function explain(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, FLAGS);
  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json')
    throw new UsageError(`--output must be text or json, got ${JSON.stringify(output)}`, 'apiserver');
  const [target, ...extra] = positionals;
  if (target === undefined || extra.length > 0)
    throw new UsageError(
      'explain takes one metrics API path, e.g. kubemetrics apiserver explain --prometheus-url URL --prometheus-adapter-config FILE /apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests',
      'apiserver',
    );
  const config = loadConfig(values);
  const entry = config.providers.find((p) => p.type === 'prometheus');
  if (entry === undefined)
    throw new UsageError(
      'explain needs a prometheus provider: pass --prometheus-url and --prometheus-adapter-config, or a --config with one',
      'apiserver',
    );
  const settings = entry.settings as PrometheusSettings;
  if (settings.config === undefined) throw new Error('unreachable: validated config without rules');
  const provider = new PrometheusProvider({
    connection: settings.connection,
    config: settings.config,
    seriesMaxAgeMs: settings.seriesMaxAgeMs,
    maxRegexLength: settings.maxRegexLength,
    queryCacheTtlMs: 0,
  });
  try {
    const explanation = await explainRequest(provider, target.startsWith('/') ? target : `/${target}`, {
      signal: io.signal,
      refresh: true,
    });
    writeLine(
      io.stdout,
      output === 'json' ? JSON.stringify(explanation, null, 2) : formatExplanation(explanation),
    );
    return explanation.error === undefined ? EXIT_OK : 1;
  } finally {
    await provider.stop();
  }
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  if (args[0] === 'certs') return certs(args.slice(1), io);
  if (args[0] === 'explain') return explain(args.slice(1), io);
  // kube-apiserver style: a bare --anonymous-auth means true.
  const normalized = args.map((a) => (a === '--anonymous-auth' ? '--anonymous-auth=true' : a));
  const { values, positionals } = parse(normalized, FLAGS);
  if (positionals.length > 0)
    throw new UsageError(
      `unexpected arguments: ${positionals.join(' ')} (the subcommands are "certs" and "explain")`,
      'apiserver',
    );
  return serve(values, io);
}

export const apiserverCommand: Command = { name: 'apiserver', flags: { ...FLAGS, ...CERT_FLAGS }, run };
