/**
 * How each test peer (kubectl, Prometheus with promtool, Chromium) is found and which Debian
 * package provides it, and the messages about a missing one. No vitest import: the benchmarks and
 * vitest's main process (test/helpers/peer-report.ts) load this too, and importing `vitest` there
 * throws. Tests use test/helpers/peers.ts, which gates them on these lookups.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** Where a peer was found, or why it was not (the reason names the path or variable looked at). */
export type PeerLookup = { readonly path: string } | { readonly missing: string };

export interface Peer {
  readonly name: string;
  /** The Debian package that provides it (`apt-get install <debianPackage>`). */
  readonly debianPackage: string;
  readonly find: (env: Env) => PeerLookup;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `file` if it is executable, otherwise why not. */
function executable(file: string): PeerLookup {
  return isExecutable(file) ? { path: file } : { missing: `${file} is not an executable file` };
}

/**
 * The file the environment `variable` names (empty counts as unset), else `fallback`. A named file
 * that is not executable is reported as such rather than passed over: someone chose it.
 */
function chosenBy(variable: string, env: Env, fallback: () => PeerLookup): PeerLookup {
  const chosen = env[variable];
  if (chosen === undefined || chosen === '') return fallback();
  return isExecutable(chosen)
    ? { path: chosen }
    : { missing: `${variable}=${chosen} is not an executable file` };
}

/** The first executable `name` in the directories of PATH, like a shell's lookup. */
function onPath(name: string, env: Env): PeerLookup {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return { path: candidate };
  }
  return { missing: `no executable ${name} on PATH` };
}

/** $KUBECTL, else the first `kubectl` on PATH (Debian's kubernetes-client in CI). */
export const KUBECTL: Peer = {
  name: 'kubectl',
  debianPackage: 'kubernetes-client',
  find: (env) => chosenBy('KUBECTL', env, () => onPath('kubectl', env)),
};

/** $PROMETHEUS_BIN and $PROMTOOL_BIN, else Debian's /usr/bin/prometheus and /usr/bin/promtool; both are needed. */
export const PROMETHEUS: Peer = {
  name: 'prometheus',
  debianPackage: 'prometheus',
  find: (env) => {
    const server = chosenBy('PROMETHEUS_BIN', env, () => executable('/usr/bin/prometheus'));
    if ('missing' in server) return server;
    const promtool = chosenBy('PROMTOOL_BIN', env, () => executable('/usr/bin/promtool'));
    return 'missing' in promtool ? promtool : server;
  },
};

/** Debian's Chromium, which playwright-core drives (its own browser downloads are not used). */
export const CHROMIUM: Peer = {
  name: 'chromium',
  debianPackage: 'chromium',
  find: () => executable('/usr/bin/chromium'),
};

/** $ZSH, else zsh on PATH: the completion tests run the zsh script in a real zsh (with zsh/zpty). */
export const ZSH: Peer = {
  name: 'zsh',
  debianPackage: 'zsh',
  find: (env) => chosenBy('ZSH', env, () => onPath('zsh', env)),
};

/** CI=true or CI=1, as GitHub Actions, GitLab and most CI systems set it. */
export function isCI(env: Env = process.env): boolean {
  const value = env['CI']?.toLowerCase();
  return value === 'true' || value === '1';
}

/** The error for a missing peer: what was looked at and the package to install. */
export function missingPeerError(peer: Peer, missing: string): Error {
  return new Error(
    `${peer.name} not found (${missing}); install with: apt-get install ${peer.debianPackage}`,
  );
}

/** `task.meta` key marking a test skipped for a missing peer (set by test/helpers/peers.ts). */
export const MISSING_PEER_META = 'missingPeer';

/** The value under {@link MISSING_PEER_META}. */
export type MissingPeer = Pick<Peer, 'name' | 'debianPackage'>;

/** The line printed once per run for the tests skipped without the peer. */
export function skipNotice(peer: MissingPeer, tests: number): string {
  return `skipping ${tests} test${tests === 1 ? '' : 's'}: ${peer.name} not found; install with: apt-get install ${peer.debianPackage}`;
}
