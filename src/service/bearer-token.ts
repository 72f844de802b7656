/**
 * Bearer token checking for `--auth-token-file`: the file is read at start and re-read when it
 * changes (a mounted Secret is updated in place by the kubelet), and tokens are compared in
 * constant time (both sides hashed first, so the comparison does not leak the length either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { KubemetricsError } from '../errors.js';

/** Checks `Authorization` headers against the token in a file. */
export interface BearerTokenCheck {
  /** True when `header` is `Bearer <token>` with the current token. */
  verify(header: string | undefined): boolean;
  /** Stops watching the file. */
  close(): void;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readToken(path: string): Buffer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `cannot read the auth token file ${path}: ${(error as Error).message}`,
      {
        hint: 'Pass a readable file with --auth-token-file (one line: the token).',
        cause: error,
      },
    );
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token))
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `the auth token file ${path} must hold one token without spaces`,
      {
        hint: 'Write the token alone on one line, e.g. `openssl rand -hex 32 > token`.',
      },
    );
  return digest(token);
}

/**
 * Reads the token file and watches it (polling every `pollMs`, default 2000). A file that later
 * becomes unreadable or empty keeps the previous token.
 * @throws KubemetricsError `KUBEMETRICS_ERR_CONFIG` when the file cannot be read at start
 */
export function bearerTokenFromFile(path: string, pollMs = 2000): BearerTokenCheck {
  let expected = readToken(path);
  const onChange = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
    try {
      expected = readToken(path);
    } catch {
      // Keep serving with the last good token; a half-written file must not lock everyone out.
    }
  };
  watchFile(path, { interval: pollMs, persistent: false }, onChange);
  return {
    verify(header) {
      if (header === undefined) return false;
      const match = /^Bearer +(\S+)\s*$/i.exec(header);
      if (match?.[1] === undefined) return false;
      return timingSafeEqual(digest(match[1]), expected);
    },
    close: () => unwatchFile(path, onChange),
  };
}
