/**
 * `/livez`, `/healthz` and `/readyz` in kube-apiserver's format: `ok` when every check passes,
 * HTTP 500 with one `[+]name ok` / `[-]name failed: reason withheld` line per check otherwise, and
 * the full list with `?verbose`.
 *
 * Readiness means "route traffic to me", nothing more: the serving certificate is loaded (the
 * server listens only after that) and the server's own checks passed once (informers synced, the
 * authentication ConfigMap read). A provider's backend being down must NOT make the server
 * unready: kube-aggregator would then mark every APIService of this server unavailable and the
 * whole cluster would get discovery errors (kubectl warnings on every command, namespaces stuck in
 * Terminating) for one backend's outage. Backend trouble shows instead in `/readyz?verbose`
 * (`[!]provider-custom backend unavailable: <why>` lines, still HTTP 200), in `/metrics`
 * (`kubemetrics_apiserver_provider_backend_up`) and in each affected request's 503 `Status`.
 * Liveness never depends on anything but the process answering (a wedged event loop fails the
 * probe's timeout).
 */
import { callAbortable } from '../pipeline/abortable.js';
import type { Answer, HandlerContext } from './handler-context.js';
import type { MetricsProviders, ReadinessCheck } from '../provider/provider.js';
import type { HealthCheckName } from '../pipeline/route.js';
import { describeThrown } from '../provider/status-error.js';

/** How long one provider's `ready()` may take on `/readyz?verbose` before it counts as failing. */
export const READY_CHECK_TIMEOUT_MS = 5_000;

/** A readiness condition of the server itself (informers synced, authentication config read). */
export interface ServerReadinessCheck {
  readonly name: string;
  ready(): boolean;
}

/** What one configured provider's backend looks like now. */
export interface BackendState {
  /** `custom`, `external` or `resource`. */
  readonly provider: keyof MetricsProviders;
  readonly up: boolean;
  /** Why it is down: the provider's `lastError` (e.g. "Prometheus at … is unreachable: …"). */
  readonly reason: string | undefined;
}

const GROUPS: readonly (keyof MetricsProviders)[] = ['resource', 'custom', 'external'];

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Why a provider says it is not ready. Providers may expose a `lastError` string (the Prometheus
 * provider does: it names Prometheus, its URL and the error, and is cleared once Prometheus
 * answers again); without one the reason is that `ready()` said false.
 */
function reasonOf(provider: ReadinessCheck): string {
  const lastError = (provider as { readonly lastError?: unknown }).lastError;
  return typeof lastError === 'string' && lastError !== '' ? lastError : 'ready() returned false';
}

/** A reason on one line: each check is one line of the verbose answer. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The backends of the configured providers, asked through each provider's optional `ready()`.
 * Never part of the readiness verdict (see the module comment).
 */
export class ProviderBackends {
  readonly #providers: readonly {
    readonly name: keyof MetricsProviders;
    readonly provider: ReadinessCheck;
  }[];
  /** Last answer of each provider whose `ready()` is asynchronous, for the gauge. */
  readonly #last = new Map<keyof MetricsProviders, BackendState>();

  constructor(providers: MetricsProviders) {
    this.#providers = GROUPS.flatMap((name) => {
      const provider = providers[name];
      return provider === undefined ? [] : [{ name, provider }];
    });
  }

  /** Asks every provider now (each within {@link READY_CHECK_TIMEOUT_MS}). */
  async check(signal: AbortSignal): Promise<BackendState[]> {
    return Promise.all(
      this.#providers.map(async ({ name, provider }): Promise<BackendState> => {
        if (provider.ready === undefined) return { provider: name, up: true, reason: undefined };
        const checkSignal = AbortSignal.any([signal, AbortSignal.timeout(READY_CHECK_TIMEOUT_MS)]);
        let state: BackendState;
        try {
          const ok = await callAbortable(() => provider.ready?.() ?? true, checkSignal);
          state = { provider: name, up: ok === true, reason: ok === true ? undefined : reasonOf(provider) };
        } catch (error) {
          if (signal.aborted) throw error;
          const reason = checkSignal.aborted
            ? `ready() did not answer within ${READY_CHECK_TIMEOUT_MS} ms`
            : `ready() failed: ${describeThrown(error)}`;
          state = { provider: name, up: false, reason };
        }
        this.#last.set(name, state);
        return state;
      }),
    );
  }

  /**
   * The state for `/metrics`, without waiting: a synchronous `ready()` is read now; an
   * asynchronous one reports its last answer (and is asked again for the next scrape).
   */
  snapshot(): BackendState[] {
    const states: BackendState[] = [];
    for (const { name, provider } of this.#providers) {
      if (provider.ready === undefined) {
        states.push({ provider: name, up: true, reason: undefined });
        continue;
      }
      let answer: unknown;
      try {
        answer = provider.ready();
      } catch (error) {
        states.push({ provider: name, up: false, reason: `ready() failed: ${describeThrown(error)}` });
        continue;
      }
      if (isThenable(answer)) {
        Promise.resolve(answer).then(
          (ok) =>
            this.#last.set(name, {
              provider: name,
              up: ok === true,
              reason: ok === true ? undefined : reasonOf(provider),
            }),
          (error: unknown) =>
            this.#last.set(name, {
              provider: name,
              up: false,
              reason: `ready() failed: ${describeThrown(error)}`,
            }),
        );
        const last = this.#last.get(name);
        if (last !== undefined) states.push(last);
        continue;
      }
      states.push({
        provider: name,
        up: answer === true,
        reason: answer === true ? undefined : reasonOf(provider),
      });
    }
    return states;
  }
}

/** One line of a verbose answer: a check that passed, failed, or (for backends) is degraded. */
type Line = { readonly name: string; readonly mark: '+' | '-' | '!'; readonly text: string };

export async function answerHealth(
  check: HealthCheckName,
  backends: ProviderBackends,
  ctx: HandlerContext,
  serverChecks: readonly ServerReadinessCheck[] = [],
): Promise<Answer> {
  const lines: Line[] = [{ name: 'ping', mark: '+', text: 'ok' }];
  const verbose = ctx.query.has('verbose');
  if (check === 'readyz') {
    for (const serverCheck of serverChecks)
      lines.push(
        serverCheck.ready()
          ? { name: serverCheck.name, mark: '+', text: 'ok' }
          : { name: serverCheck.name, mark: '-', text: 'failed: reason withheld' },
      );
    // Backends are asked only for the verbose answer: a probe must not wait on Prometheus.
    if (verbose)
      for (const state of await backends.check(ctx.signal))
        lines.push(
          state.up
            ? { name: `provider-${state.provider}`, mark: '+', text: 'ok' }
            : {
                name: `provider-${state.provider}`,
                mark: '!',
                text: `backend unavailable (readiness unaffected): ${oneLine(state.reason ?? 'unknown')}`,
              },
        );
  }
  const healthy = lines.every((l) => l.mark !== '-');
  if (healthy && !verbose)
    return { kind: 'text', code: 200, body: 'ok', contentType: 'text/plain; charset=utf-8' };
  const text = lines.map((l) => `[${l.mark}]${l.name} ${l.text}`);
  text.push(`${check} check ${healthy ? 'passed' : 'failed'}`);
  return {
    kind: 'text',
    code: healthy ? 200 : 500,
    body: `${text.join('\n')}\n`,
    contentType: 'text/plain; charset=utf-8',
  };
}
