/**
 * The configuration file of `kubemetrics apiserver` (YAML or JSON), validated in one pass: every
 * problem is reported with its field path (`authentication.requestHeader.allowedNames[1]: …`),
 * unknown fields are errors (a typo must not silently disable a security setting), and defaults
 * come from one table, {@link SERVER_CONFIG_DEFAULTS}. Provider entries are checked by the
 * provider types the caller passes in (the CLI's table), so a new provider type needs no change
 * here. docs/apiserver.md has the reference.
 */
import type { AuthorizationMode } from '../auth/authorization.js';
import { ConfigFields as Fields, describeConfigValue as describe } from './config-fields.js';

/** The APIs a provider entry may serve. */
export type ProviderApi = 'custom' | 'external' | 'resource';
export const PROVIDER_APIS: readonly ProviderApi[] = ['custom', 'external', 'resource'];

/** What the config knows about one provider type. */
export interface ProviderConfigType<S = unknown> {
  /** APIs this type can serve (the entry's `apis` defaults to all of them). */
  readonly apis: readonly ProviderApi[];
  /** Fields the entry may have besides `type` and `apis`. */
  readonly fields: readonly string[];
  /** Checks the entry's own fields; pushes `path.field: problem` strings; returns the settings. */
  validate(entry: Readonly<Record<string, unknown>>, path: string, problems: string[]): S;
  /**
   * The entry's APIs when it does not list them, from its settings (a Prometheus rules file with
   * no `externalRules` serves no external metrics); default: all of `apis`.
   */
  defaultApis?(settings: S): readonly ProviderApi[];
}

/** One validated provider entry. */
export interface ProviderConfig<S = unknown> {
  readonly type: string;
  readonly apis: readonly ProviderApi[];
  readonly settings: S;
  /** `providers[0]`, for messages. */
  readonly path: string;
}

/** The validated, frozen configuration. */
export interface ServerConfig {
  readonly listen: { readonly address: string; readonly port: number };
  readonly tls: {
    readonly certFile: string | undefined;
    readonly keyFile: string | undefined;
    /** Service the generated certificate is for, when there are no files. */
    readonly service: string;
    readonly namespace: string;
    readonly caBundleFile: string | undefined;
    readonly reloadIntervalMs: number;
  };
  readonly authentication: {
    readonly anonymous: boolean;
    readonly clientCAFile: string | undefined;
    readonly requestHeader: {
      readonly clientCAFile: string | undefined;
      readonly allowedNames: readonly string[] | undefined;
      readonly usernameHeaders: readonly string[] | undefined;
      readonly groupHeaders: readonly string[] | undefined;
      readonly extraHeaderPrefixes: readonly string[] | undefined;
    };
    readonly lookupFromCluster: boolean;
    readonly tokenReview: { readonly enabled: boolean; readonly cacheTtlMs: number };
  };
  readonly authorization: {
    readonly mode: AuthorizationMode;
    readonly allowCacheTtlMs: number;
    readonly denyCacheTtlMs: number;
    readonly alwaysAllowGroups: readonly string[];
    readonly alwaysAllowPaths: readonly string[];
  };
  readonly cluster: { readonly kubeconfig: string | undefined; readonly context: string | undefined };
  readonly objectLister: { readonly resources: readonly string[]; readonly namespaces: readonly string[] };
  readonly providers: readonly ProviderConfig[];
  readonly requestTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Every default of the file, in one place. */
export const SERVER_CONFIG_DEFAULTS = {
  listenAddress: '0.0.0.0',
  listenPort: 6443,
  service: 'kubemetrics-apiserver',
  namespace: 'kubemetrics',
  reloadInterval: '1m',
  anonymous: false,
  lookupFromCluster: true,
  tokenReview: true,
  tokenCacheTTL: '10s',
  authorizationMode: 'Webhook' as AuthorizationMode,
  allowCacheTTL: '10s',
  denyCacheTTL: '10s',
  alwaysAllowGroups: ['system:masters'],
  alwaysAllowPaths: ['/healthz', '/livez', '/readyz'],
  objectListerResources: ['pods'],
  requestTimeout: '60s',
  logLevel: 'info' as const,
} as const;

const TOP_LEVEL = [
  'apiVersion',
  'kind',
  'listen',
  'tls',
  'authentication',
  'authorization',
  'cluster',
  'objectLister',
  'providers',
  'requestTimeout',
  'logLevel',
];

/**
 * Validates a parsed config document. Returns the frozen config when there is no problem;
 * otherwise `config` is undefined and `problems` lists every one.
 */
export function parseServerConfig(
  document: unknown,
  providerTypes: Readonly<Record<string, ProviderConfigType>>,
): { readonly config: ServerConfig | undefined; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const D = SERVER_CONFIG_DEFAULTS;
  const root = Fields.of(document, '', problems, TOP_LEVEL);
  const kind = root.string('kind');
  if (kind !== undefined && kind !== 'MetricsApiServerConfig')
    problems.push(`kind: expected MetricsApiServerConfig, got ${JSON.stringify(kind)}`);
  root.string('apiVersion');

  const listen = root.child('listen', ['address', 'port']);
  const tls = root.child('tls', [
    'certFile',
    'keyFile',
    'service',
    'namespace',
    'caBundleFile',
    'reloadInterval',
  ]);
  const certFile = tls.string('certFile');
  const keyFile = tls.string('keyFile');
  if ((certFile === undefined) !== (keyFile === undefined))
    problems.push('tls: certFile and keyFile go together (--tls-cert-file, --tls-private-key-file)');

  const authn = root.child('authentication', [
    'anonymous',
    'clientCAFile',
    'requestHeader',
    'lookupFromCluster',
    'tokenReview',
  ]);
  const header = authn.child('requestHeader', [
    'clientCAFile',
    'allowedNames',
    'usernameHeaders',
    'groupHeaders',
    'extraHeaderPrefixes',
  ]);
  const tokenReview = authn.child('tokenReview', ['enabled', 'cacheTTL']);

  const authz = root.child('authorization', [
    'mode',
    'allowCacheTTL',
    'denyCacheTTL',
    'alwaysAllowGroups',
    'alwaysAllowPaths',
  ]);
  const mode = authz.string('mode') ?? D.authorizationMode;
  if (mode !== 'Webhook' && mode !== 'AlwaysAllow')
    problems.push(`authorization.mode: expected Webhook or AlwaysAllow, got ${JSON.stringify(mode)}`);

  const cluster = root.child('cluster', ['kubeconfig', 'context']);
  const lister = root.child('objectLister', ['resources', 'namespaces']);

  const providers: ProviderConfig[] = [];
  const rawProviders = root.value['providers'];
  if (rawProviders !== undefined && rawProviders !== null && !Array.isArray(rawProviders))
    problems.push(`providers: expected a list, got ${describe(rawProviders)}`);
  const claimed = new Map<ProviderApi, string>();
  (Array.isArray(rawProviders) ? rawProviders : []).forEach((raw, i) => {
    const path = `providers[${i}]`;
    const typeName = (raw as { type?: unknown } | null)?.type;
    const type = typeof typeName === 'string' ? providerTypes[typeName] : undefined;
    if (type === undefined) {
      problems.push(
        `${path}.type: expected one of ${Object.keys(providerTypes).join(', ')}, got ${describe(typeName)}`,
      );
      return;
    }
    const entry = Fields.of(raw, path, problems, ['type', 'apis', ...type.fields]);
    const settings = type.validate(entry.value, path, problems);
    const apis = (entry.strings('apis') ?? type.defaultApis?.(settings) ?? [...type.apis]).filter(
      (api, j): api is ProviderApi => {
        if ((type.apis as readonly string[]).includes(api)) return true;
        problems.push(
          `${path}.apis[${j}]: a ${String(typeName)} provider serves ${type.apis.join(', ')}, not ${JSON.stringify(api)}`,
        );
        return false;
      },
    );
    for (const api of apis) {
      const other = claimed.get(api);
      if (other !== undefined) problems.push(`${path}.apis: ${api} is already served by ${other}`);
      claimed.set(api, path);
    }
    providers.push({ type: String(typeName), apis, settings, path });
  });
  if (providers.length === 0 && problems.every((p) => !p.startsWith('providers')))
    problems.push(
      'providers: configure at least one provider (e.g. - type: memory, file: /etc/kubemetrics/metrics.yaml)',
    );

  const logLevel = root.string('logLevel') ?? D.logLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    problems.push(`logLevel: expected debug, info, warn or error, got ${JSON.stringify(logLevel)}`);

  const config: ServerConfig = {
    listen: { address: listen.string('address') ?? D.listenAddress, port: listen.port('port', D.listenPort) },
    tls: {
      certFile,
      keyFile,
      service: tls.string('service') ?? D.service,
      namespace: tls.string('namespace') ?? D.namespace,
      caBundleFile: tls.string('caBundleFile'),
      reloadIntervalMs: tls.duration('reloadInterval', D.reloadInterval),
    },
    authentication: {
      anonymous: authn.boolean('anonymous', D.anonymous),
      clientCAFile: authn.string('clientCAFile'),
      requestHeader: {
        clientCAFile: header.string('clientCAFile'),
        allowedNames: header.strings('allowedNames'),
        usernameHeaders: header.strings('usernameHeaders'),
        groupHeaders: header.strings('groupHeaders'),
        extraHeaderPrefixes: header.strings('extraHeaderPrefixes'),
      },
      lookupFromCluster: authn.boolean('lookupFromCluster', D.lookupFromCluster),
      tokenReview: {
        enabled: tokenReview.boolean('enabled', D.tokenReview),
        cacheTtlMs: tokenReview.duration('cacheTTL', D.tokenCacheTTL),
      },
    },
    authorization: {
      mode: mode === 'AlwaysAllow' ? 'AlwaysAllow' : 'Webhook',
      allowCacheTtlMs: authz.duration('allowCacheTTL', D.allowCacheTTL),
      denyCacheTtlMs: authz.duration('denyCacheTTL', D.denyCacheTTL),
      alwaysAllowGroups: authz.strings('alwaysAllowGroups') ?? [...D.alwaysAllowGroups],
      alwaysAllowPaths: authz.strings('alwaysAllowPaths') ?? [...D.alwaysAllowPaths],
    },
    cluster: { kubeconfig: cluster.string('kubeconfig'), context: cluster.string('context') },
    objectLister: {
      resources: lister.strings('resources') ?? [...D.objectListerResources],
      namespaces: lister.strings('namespaces') ?? [],
    },
    providers,
    requestTimeoutMs: root.duration('requestTimeout', D.requestTimeout),
    logLevel: logLevel as ServerConfig['logLevel'],
  };
  return problems.length > 0 ? { config: undefined, problems } : { config: deepFreeze(config), problems };
}

/** Whether a validated config needs to talk to the cluster. */
export function needsCluster(config: ServerConfig): boolean {
  return (
    config.authentication.lookupFromCluster ||
    config.authentication.tokenReview.enabled ||
    config.authorization.mode === 'Webhook' ||
    config.objectLister.resources.length > 0
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
