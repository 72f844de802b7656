/**
 * `/livez`, `/healthz` and `/readyz` in kube-apiserver's format: `ok` when every check passes,
 * HTTP 500 with one `[+]name ok` / `[-]name failed: reason withheld` line per check otherwise, and
 * the full list with `?verbose`. Liveness never depends on providers (a slow backend must not get
 * the pod restarted); readiness asks each provider's optional `ready()`.
 */
import { callAbortable } from './abortable.js';
import type { Answer, HandlerContext } from './handler-context.js';
import type { Logger } from './logger.js';
import type { MetricsProviders, ReadinessCheck } from './provider.js';
import type { HealthCheckName } from './route.js';
import { describeThrown } from './status-error.js';

/** How long one provider's `ready()` may take before it counts as not ready. */
export const READY_CHECK_TIMEOUT_MS = 5_000;

interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
}

async function runReady(
  name: string,
  provider: ReadinessCheck,
  signal: AbortSignal,
  logger: Logger,
): Promise<CheckResult> {
  if (provider.ready === undefined) return { name, ok: true };
  const checkSignal = AbortSignal.any([signal, AbortSignal.timeout(READY_CHECK_TIMEOUT_MS)]);
  try {
    const ok = await callAbortable(() => provider.ready?.() ?? true, checkSignal);
    return { name, ok: ok === true };
  } catch (error) {
    if (signal.aborted) throw error;
    logger.warn({ check: name, error: describeThrown(error) }, 'readiness check failed');
    return { name, ok: false };
  }
}

/** A readiness condition of the server itself (informers synced, authentication config read). */
export interface ServerReadinessCheck {
  readonly name: string;
  ready(): boolean;
}

export async function answerHealth(
  check: HealthCheckName,
  providers: MetricsProviders,
  ctx: HandlerContext,
  logger: Logger,
  serverChecks: readonly ServerReadinessCheck[] = [],
): Promise<Answer> {
  const results: CheckResult[] = [{ name: 'ping', ok: true }];
  if (check === 'readyz') {
    for (const serverCheck of serverChecks) results.push({ name: serverCheck.name, ok: serverCheck.ready() });
    const pending: Promise<CheckResult>[] = [];
    if (providers.resource !== undefined)
      pending.push(runReady('provider-resource', providers.resource, ctx.signal, logger));
    if (providers.custom !== undefined)
      pending.push(runReady('provider-custom', providers.custom, ctx.signal, logger));
    if (providers.external !== undefined)
      pending.push(runReady('provider-external', providers.external, ctx.signal, logger));
    results.push(...(await Promise.all(pending)));
  }
  const healthy = results.every((r) => r.ok);
  const verbose = ctx.query.has('verbose');
  if (healthy && !verbose)
    return { kind: 'text', code: 200, body: 'ok', contentType: 'text/plain; charset=utf-8' };
  const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
  lines.push(`${check} check ${healthy ? 'passed' : 'failed'}`);
  return {
    kind: 'text',
    code: healthy ? 200 : 500,
    body: `${lines.join('\n')}\n`,
    contentType: 'text/plain; charset=utf-8',
    headers: { 'X-Content-Type-Options': 'nosniff' },
  };
}
