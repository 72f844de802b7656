/**
 * Provider types of `kubemetrics apiserver`: what `providers[].type` may name in the config. Each
 * type lists its fields, checks them (every problem with its field path) and builds the provider.
 * A new metrics source is one more entry in {@link PROVIDER_TYPES}.
 */
import { ConfigFields } from '../../apiserver/index.js';
import type {
  DebugHandler,
  Logger,
  MetricsProviders,
  ObjectLister,
  ProviderApi,
  ProviderConfigType,
} from '../../apiserver/index.js';
import { KubemetricsError } from '../../errors.js';
import { MemoryMetricsProvider } from '../../providers/memory/index.js';
import {
  explainRequest,
  loadAdapterConfig,
  PROMETHEUS_PROVIDER_DEFAULTS,
  PrometheusProvider,
  type AdapterConfig,
  type PrometheusConnectionOptions,
} from '../../providers/prometheus/index.js';

/** A provider built from its config entry. */
export interface CreatedProvider {
  readonly providers: MetricsProviders;
  /** The provider's own lister, used when the config disables the cluster lister. */
  readonly objectLister?: ObjectLister | undefined;
  /** `/debug/<name>` routes the provider offers (only when its config turns them on). */
  readonly debugHandlers?: Readonly<Record<string, DebugHandler>> | undefined;
  close(): Promise<void> | void;
}

export interface ProviderType<S> extends ProviderConfigType<S> {
  create(
    settings: S,
    apis: readonly ProviderApi[],
    context: { logger: Logger; signal: AbortSignal },
  ): Promise<CreatedProvider>;
}

const memoryProviderType: ProviderType<{ file: string | undefined }> = {
  apis: ['custom', 'external', 'resource'],
  fields: ['file'],
  validate(entry, path, problems) {
    const file = entry['file'];
    if (file !== undefined && (typeof file !== 'string' || file === '')) {
      problems.push(`${path}.file: expected a file path, got ${JSON.stringify(file)}`);
      return { file: undefined };
    }
    return { file };
  },
  async create(settings, apis, { logger, signal }) {
    const memory = new MemoryMetricsProvider();
    const watch =
      settings.file === undefined
        ? undefined
        : await memory.watchFile(settings.file, {
            signal,
            onReload: (event) =>
              event.ok
                ? logger.info({ file: event.path }, 'reloaded the metrics file')
                : logger.warn(
                    { file: event.path, error: event.error.message },
                    'cannot reload the metrics file; keeping the last good values',
                  ),
          });
    return {
      providers: {
        custom: apis.includes('custom') ? memory : undefined,
        external: apis.includes('external') ? memory : undefined,
        resource: apis.includes('resource') ? memory : undefined,
      },
      objectLister: memory.objectLister,
      close: () => watch?.close(),
    };
  },
};

/** The `prometheus` entry, validated: connection, rules and tuning. */
export interface PrometheusSettings {
  readonly connection: PrometheusConnectionOptions;
  readonly rulesFile: string;
  /** The rules file, loaded and checked during validation (undefined when it has problems). */
  readonly config: AdapterConfig | undefined;
  readonly discoveryIntervalMs: number;
  readonly seriesMaxAgeMs: number;
  readonly queryCacheTtlMs: number;
  readonly maxRegexLength: number;
  readonly debugRoute: boolean;
}

const ms = (value: number): string => `${value / 1000}s`;

export const prometheusProviderType: ProviderType<PrometheusSettings> = {
  apis: ['custom', 'external', 'resource'],
  fields: [
    'url',
    'rulesFile',
    'caFile',
    'certFile',
    'keyFile',
    'insecureSkipTLSVerify',
    'bearerTokenFile',
    'headers',
    'timeout',
    'discoveryInterval',
    'seriesMaxAge',
    'queryCacheTTL',
    'maxRegexLength',
    'debugRoute',
  ],
  validate(entry, path, problems) {
    // Unknown fields were reported by the server config already.
    const f = new ConfigFields(entry, path, problems);
    const url = f.string('url');
    if (url === undefined && entry['url'] === undefined)
      problems.push(
        `${f.at('url')}: required (the Prometheus base URL, e.g. http://prometheus.monitoring.svc:9090; flag --prometheus-url)`,
      );
    else if (url !== undefined && !/^https?:\/\/[^/]/.test(url))
      problems.push(`${f.at('url')}: expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
    const rulesFile = f.string('rulesFile');
    if (rulesFile === undefined && entry['rulesFile'] === undefined)
      problems.push(
        `${f.at('rulesFile')}: required (the prometheus-adapter config file; flag --prometheus-adapter-config)`,
      );
    let config: AdapterConfig | undefined;
    if (rulesFile !== undefined)
      try {
        config = loadAdapterConfig(rulesFile);
      } catch (error) {
        problems.push(`${f.at('rulesFile')}: ${(error as Error).message}`);
      }
    const certFile = f.string('certFile');
    const keyFile = f.string('keyFile');
    if ((certFile === undefined) !== (keyFile === undefined))
      problems.push(`${path}: certFile and keyFile go together (the client certificate for Prometheus)`);
    const D = PROMETHEUS_PROVIDER_DEFAULTS;
    return {
      connection: {
        url: url ?? '',
        caFile: f.string('caFile'),
        certFile,
        keyFile,
        insecureSkipTLSVerify: f.boolean('insecureSkipTLSVerify', false),
        bearerTokenFile: f.string('bearerTokenFile'),
        headers: f.stringMap('headers'),
        timeoutMs: f.duration('timeout', '10s'),
      },
      rulesFile: rulesFile ?? '',
      config,
      discoveryIntervalMs: f.duration('discoveryInterval', ms(D.discoveryIntervalMs)),
      seriesMaxAgeMs: f.duration('seriesMaxAge', ms(D.seriesMaxAgeMs)),
      queryCacheTtlMs: f.duration('queryCacheTTL', ms(D.queryCacheTtlMs)),
      maxRegexLength: f.integer('maxRegexLength', D.maxRegexLength, 16),
      debugRoute: f.boolean('debugRoute', false),
    };
  },
  defaultApis(settings) {
    // Serve only the groups the rules configure: advertising metrics.k8s.io without
    // resourceRules would take `kubectl top` away from metrics-server for nothing.
    const config = settings.config;
    if (config === undefined) return ['custom'];
    const apis: ProviderApi[] = [];
    if (config.rules.length > 0) apis.push('custom');
    if (config.externalRules.length > 0) apis.push('external');
    if (config.resourceRules !== undefined) apis.push('resource');
    return apis;
  },
  async create(settings, apis, { logger }) {
    const config = settings.config;
    if (config === undefined)
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_CONFIG',
        `the prometheus-adapter config ${settings.rulesFile} did not load`,
      );
    if (apis.includes('resource') && config.resourceRules === undefined)
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_CONFIG',
        `the prometheus provider is asked to serve resource metrics, but ${settings.rulesFile} has no resourceRules`,
        { hint: 'Add resourceRules (cpu and memory) to the rules file, or remove "resource" from apis.' },
      );
    const provider = new PrometheusProvider({
      connection: settings.connection,
      config,
      discoveryIntervalMs: settings.discoveryIntervalMs,
      seriesMaxAgeMs: settings.seriesMaxAgeMs,
      queryCacheTtlMs: settings.queryCacheTtlMs,
      maxRegexLength: settings.maxRegexLength,
      logger,
    });
    await provider.start();
    return {
      providers: {
        custom: apis.includes('custom') ? provider : undefined,
        external: apis.includes('external') ? provider : undefined,
        resource: apis.includes('resource') ? provider : undefined,
      },
      debugHandlers: settings.debugRoute
        ? {
            'prometheus/explain': async (query, signal) => {
              const target = query.get('path');
              if (target === null || target === '')
                return {
                  error:
                    'pass the metrics API path to explain as ?path=, e.g. ?path=/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests',
                };
              return explainRequest(provider, target, { signal, refresh: query.get('refresh') === 'true' });
            },
          }
        : undefined,
      close: () => provider.stop(),
    };
  },
};

export const PROVIDER_TYPES: Readonly<Record<string, ProviderType<never>>> = {
  memory: memoryProviderType as ProviderType<never>,
  prometheus: prometheusProviderType as ProviderType<never>,
};
