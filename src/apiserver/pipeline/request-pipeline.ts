/**
 * The request pipeline, in the order kube-apiserver's filters use:
 *   request id → body limit → authenticate → authorize → route (404/400) → method (405) →
 *   handler → encode.
 * Each stage either hands the request on or answers it. The result is a plain `(req, res)`
 * listener, so the same pipeline serves HTTP (`listen`) and HTTPS (`start`). Nothing a request, a
 * hook or a provider does can take the process down: every failure becomes a Kubernetes `Status`
 * (or, when the client has already gone, is only logged).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { failureStatus } from '../../api/index.js';
import type { Status } from '../../api/index.js';
import { redactRequestTarget, refuseRequestBody } from '../../http/index.js';
import type { ResolvedHttpServerLimits } from '../../http/index.js';
import { forbiddenStatus, requestAttributes, unauthorizedStatus } from '../auth/auth.js';
import type { AuthorizationDecision, Authenticator, Authorizer, UserInfo } from '../auth/auth.js';
import type { HandlerContext } from '../handlers/handler-context.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { Logger } from '../provider/logger.js';
import { answerForError, describeThrown } from '../provider/status-error.js';
import { callAbortable, ClientDisconnectedError, RequestTimeoutError } from './abortable.js';
import { sendAnswer } from './encode.js';
import { sendStatus } from './response.js';
import { parseRoute } from './route.js';
import type { RouteResult } from './route.js';
import type { Router } from './router.js';

/** The stages' settings, fixed for the life of a server. */
export interface PipelineOptions {
  /** Undefined: every request is anonymous. */
  readonly authenticate: Authenticator | undefined;
  /** Undefined: everything is allowed. */
  readonly authorize: Authorizer | undefined;
  /** Paths answered without calling the auth hooks (the health checks, by default). */
  readonly alwaysAllow: ReadonlySet<string>;
  readonly router: Router;
  readonly limits: ResolvedHttpServerLimits;
  readonly timeoutMs: number;
  readonly now: () => Date;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
}

/** A stage's verdict: hand the request on (with what it learned) or stop, the answer written. */
type Verdict<T> = { readonly next: true; readonly value: T } | { readonly next: false };
const STOP = { next: false } as const;

const AUDIT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(req: IncomingMessage): string {
  const given = req.headers['audit-id'];
  return typeof given === 'string' && AUDIT_ID.test(given) ? given : randomUUID();
}

/** Authenticate: the hook's user, 401 when it returns none, an error when it returns nonsense. */
async function authenticateStage(
  req: IncomingMessage,
  res: ServerResponse,
  authenticate: Authenticator,
  signal: AbortSignal,
): Promise<Verdict<UserInfo>> {
  const authenticated: unknown = await callAbortable(() => authenticate(req, signal), signal);
  if (authenticated === undefined || authenticated === null) {
    sendStatus(res, unauthorizedStatus());
    return STOP;
  }
  if (typeof (authenticated as Partial<UserInfo>).username !== 'string')
    throw new Error(
      `authenticate() returned ${describeThrown(authenticated)} instead of { username } or undefined`,
    );
  return { next: true, value: authenticated as UserInfo };
}

/** Authorize: only `{ allowed: true }` lets the request on; anything else is 403. */
async function authorizeStage(
  res: ServerResponse,
  authorize: Authorizer,
  parsed: RouteResult,
  user: UserInfo | undefined,
  signal: AbortSignal,
): Promise<Verdict<undefined>> {
  const attributes = requestAttributes(parsed.ok ? parsed : undefined, parsed.path, user);
  const decision: unknown = await callAbortable(() => authorize(attributes, signal), signal);
  const allowed = (decision as Partial<AuthorizationDecision> | null | undefined)?.allowed;
  if (allowed === true) return { next: true, value: undefined };
  const reason = allowed === false ? (decision as { reason?: unknown }).reason : undefined;
  sendStatus(res, forbiddenStatus(attributes, typeof reason === 'string' ? reason : undefined));
  return STOP;
}

/** The method stage: only a plain GET is served (405 with `Allow: GET` otherwise). */
function methodRefusal(req: IncomingMessage, query: URLSearchParams): Status | undefined {
  if (req.method !== 'GET')
    return failureStatus(
      405,
      `the server does not allow this method on the requested resource (${String(req.method)})`,
    );
  if (query.get('watch') === 'true' || query.get('watch') === '1')
    return failureStatus(405, 'watch is not supported by the metrics APIs; poll with GET instead');
  return undefined;
}

/** Builds the `(req, res)` listener that runs every request through the stages. */
export function createRequestPipeline(
  options: PipelineOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { authenticate, authorize, alwaysAllow, router, limits, timeoutMs, now, metrics, logger } = options;

  /** A failure after the request was taken on: timeout 504, client gone (log only), or the mapped Status. */
  function answerFailure(
    res: ServerResponse,
    error: unknown,
    signal: AbortSignal,
    id: string,
    path: string,
  ): void {
    if (signal.aborted && signal.reason instanceof ClientDisconnectedError) {
      logger.debug({ reqId: id, path }, 'client disconnected; request abandoned');
      return;
    }
    if (signal.aborted && signal.reason instanceof RequestTimeoutError) {
      logger.warn({ reqId: id, path, timeoutMs }, 'request timed out');
      sendStatus(
        res,
        failureStatus(
          504,
          `Timeout: request did not complete within the allotted timeout of ${timeoutMs}ms`,
          {},
          'Timeout',
        ),
      );
      return;
    }
    const { status, serverFault, headers } = answerForError(error, id);
    if (serverFault)
      logger.error({ reqId: id, path, code: status.code, error: describeThrown(error) }, 'request failed');
    sendStatus(res, status, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const id = requestId(req);
    res.setHeader('Audit-Id', id);
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort(new ClientDisconnectedError());
    };
    res.once('close', onClose);
    const signal = controller.signal;
    const parsed = parseRoute(req.url ?? '/');
    const timer = setTimeout(() => controller.abort(new RequestTimeoutError(timeoutMs)), timeoutMs);
    let user: UserInfo | undefined;
    try {
      // No route reads a body: one declared too large is refused before anything else.
      const tooLarge = refuseRequestBody(req, res, limits);
      if (tooLarge !== undefined) {
        sendStatus(res, tooLarge);
        return;
      }
      const open = alwaysAllow.has(parsed.path);
      if (!open && authenticate !== undefined) {
        const verdict = await authenticateStage(req, res, authenticate, signal);
        if (!verdict.next) return;
        user = verdict.value;
      }
      if (!open && authorize !== undefined) {
        const verdict = await authorizeStage(res, authorize, parsed, user, signal);
        if (!verdict.next) return;
      }
      if (!parsed.ok) {
        sendStatus(res, failureStatus(parsed.code, parsed.message));
        return;
      }
      const refused = methodRefusal(req, parsed.query);
      if (refused !== undefined) {
        sendStatus(res, refused, { Allow: 'GET' });
        return;
      }
      const ctx: HandlerContext = { id, signal, query: parsed.query, headers: req.headers, now: now() };
      const answer = await router(parsed.route, parsed, ctx);
      const pretty = parsed.query.get('pretty') === 'true' || parsed.query.get('pretty') === '1';
      sendAnswer(req, res, answer, pretty);
    } catch (error) {
      answerFailure(res, error, signal, id, parsed.path);
    } finally {
      clearTimeout(timer);
      res.off('close', onClose);
      const seconds = (performance.now() - started) / 1000;
      metrics.observeRequest(parsed.ok ? parsed.route.kind : 'invalid', res.statusCode, seconds);
      logger.debug(
        {
          reqId: id,
          method: req.method,
          path: parsed.path,
          // The query as sent, credentials redacted (a token passed as ?access_token= stays out).
          url: redactRequestTarget(req.url ?? '/'),
          code: res.statusCode,
          user: user?.username,
          ms: Math.round((performance.now() - started) * 1000) / 1000,
        },
        'request',
      );
    }
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Last resort: a bug in the pipeline itself. Answer if we still can, never rethrow.
      const id = String(res.getHeader('Audit-Id') ?? '');
      logger.error({ reqId: id, error: describeThrown(error) }, 'unhandled error in the request pipeline');
      try {
        sendStatus(
          res,
          failureStatus(
            500,
            `Internal error occurred: unhandled error in the request pipeline; the server log has the cause under request id ${id}`,
          ),
        );
      } catch {
        res.destroy();
      }
    });
  };
}
