/**
 * What a check reports: one result per thing it looked at, with a status, a one-line summary and,
 * where they apply, the cause, the evidence (object, field, HTTP answer) and the fix.
 */
import { isKubernetesApiError } from '../client/index.js';
import { isKubemetricsError } from '../errors.js';

export type CheckStatus = 'ok' | 'warning' | 'problem' | 'not-checked';

export interface CheckResult {
  /** `<check>` or `<check>/<subject>`, e.g. `apiservice/v1beta1.metrics.k8s.io`. */
  readonly name: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly cause?: string;
  readonly evidence?: string;
  readonly fix?: string;
}

type Details = { readonly cause?: string; readonly evidence?: string; readonly fix?: string };

const result =
  (status: CheckStatus) =>
  (name: string, summary: string, details: Details = {}) =>
    ({ name, status, summary, ...details }) as CheckResult;

export const ok = result('ok');
export const warning = result('warning');
export const problem = result('problem');

/** The answer or failure of a request, for evidence. */
export function describeError(error: unknown): string {
  if (isKubernetesApiError(error)) return `HTTP ${error.status} ${error.reason}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A check that could not run: RBAC (403), an unreachable API server, a deadline. The summary says
 * which, so "not checked" is never mistaken for "fine".
 */
export function notChecked(name: string, what: string, error: unknown): CheckResult {
  let why: string;
  let fix: string | undefined;
  if (isKubernetesApiError(error, 403)) {
    why = `RBAC does not let this user ${forbiddenAction(error.message)}`;
    fix =
      'Run doctor as a user who may read it (e.g. cluster-admin), or grant the rule named in the evidence.';
  } else if (isKubernetesApiError(error, 401)) {
    why = 'the API server rejected the credentials';
    fix = 'Check the kubeconfig user (kubectl auth whoami).';
  } else if (isKubemetricsError(error) && error.code === 'KUBEMETRICS_ERR_TIMEOUT') {
    why = 'the API server did not answer in time';
  } else if (isKubemetricsError(error) && error.code === 'KUBEMETRICS_ERR_NETWORK') {
    why = 'the API server cannot be reached';
    fix = 'Check the kubeconfig server address and the network path to it.';
  } else {
    why = describeError(error);
  }
  return {
    name,
    status: 'not-checked',
    summary: `could not check ${what}: ${why}`,
    evidence: describeError(error),
    ...(fix === undefined ? {} : { fix }),
  };
}

/** `list resource "secrets" in API group "" in the namespace "x"` out of a Forbidden message. */
function forbiddenAction(message: string): string {
  const match =
    /cannot (\S+ resource "[^"]*" in API group "[^"]*"(?: in the namespace "[^"]*"| at the cluster scope)?)/.exec(
      message,
    );
  return match?.[1] ?? 'read what this check needs';
}
