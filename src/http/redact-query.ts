/**
 * Request targets made safe for a log line: the value of every query parameter whose name looks
 * like a credential (`token`, `access_token`, `id_token`, anything containing `token`, `password`,
 * `passwd`, `secret`, `apikey`/`api_key`, `credential`, `signature`) is replaced by `REDACTED`.
 * Clients sometimes pass a bearer token as `?access_token=` (some dashboards and proxies do), and a
 * log is read by more people than the token was meant for. Everything else is kept as sent (not
 * re-encoded), so the line still shows what the client asked for.
 */

/** What replaces a sensitive value. */
export const REDACTED = 'REDACTED';

const SENSITIVE_NAME = /token|passw(?:or)?d|secret|api[-_]?key|credential|signature/i;

function decodedName(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A malformed escape (`%zz`): match on the raw text, which still contains the letters.
    return spaced;
  }
}

/** True when a query parameter with this (decoded) name must not be logged. */
export function isSensitiveParameter(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/**
 * `target` (a request URL's path and query, e.g. `req.url`) with sensitive query values replaced.
 * Never throws, whatever the input.
 */
export function redactRequestTarget(target: string): string {
  const mark = target.indexOf('?');
  if (mark < 0) return target;
  const hash = target.indexOf('#', mark);
  const query = target.slice(mark + 1, hash < 0 ? undefined : hash);
  if (query === '') return target;
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    if (!isSensitiveParameter(decodedName(name))) return part;
    return equals < 0 ? part : `${name}=${REDACTED}`;
  });
  return `${target.slice(0, mark)}?${parts.join('&')}`;
}
