/**
 * The real programs some tests run against ("peers"): kubectl, Prometheus with promtool, Chromium.
 * One place says how each is found and which Debian package provides it, and one gate decides
 * what a test that needs a missing peer does:
 *
 * - in CI (`CI=true` or `CI=1`) it FAILS, naming the peer and the package: a CI machine without a
 *   peer would otherwise pass while checking nothing (.ci/run installs every peer listed here);
 * - elsewhere it is skipped, and test/helpers/peer-report.ts prints once per peer per run
 *   `skipping N tests: kubectl not found; install with: apt-get install kubernetes-client`.
 *
 *     const kubectl = needPeer(KUBECTL);
 *     kubectl.describe('kubectl against the test cluster', () => { ... runKubectl(kubectl.path!, ...) });
 *     kubectl.it('`kubectl top pods -A` shows no ghost', async () => { ... });
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it, type TestFunction, type TestOptions } from 'vitest';
import { MISSING_PEER_META, type MissingPeer } from './peer-report.js';

type Env = Readonly<Record<string, string | undefined>>;

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

export interface PeerGate {
  /** The peer's path; `undefined` only when the tests declared through this gate are not run. */
  readonly path: string | undefined;
  /** `describe`, run when the peer is present (see the file comment for when it is missing). */
  readonly describe: (name: string, factory: () => void) => void;
  /** `it`, run when the peer is present (see the file comment for when it is missing). */
  readonly it: (name: string, fn: TestFunction, timeout?: number) => void;
}

/** The gate for tests that need `peer`, decided once from `env` (default the process environment). */
export function needPeer(peer: Peer, env: Env = process.env): PeerGate {
  const found = peer.find(env);
  if ('path' in found)
    return { path: found.path, describe: (n, f) => describe(n, f), it: (n, f, t) => it(n, f, t) };
  if (isCI(env)) {
    const error = missingPeerError(peer, found.missing);
    error.message = `CI is set, so a missing peer fails the run: ${error.message}`;
    const fail = (): never => {
      throw error;
    };
    return {
      path: undefined,
      // One failing test stands for the block: its own tests would only fail later, less clearly.
      describe: (name) => describe(name, () => it(`needs ${peer.name}`, fail)),
      it: (name) => it(name, fail),
    };
  }
  // Vitest's TestOptions type does not list `meta`, but the runner copies a suite's options, `meta`
  // included, into every test and suite declared in it, and the reporter reads it from there.
  const marker: MissingPeer = { name: peer.name, debianPackage: peer.debianPackage };
  const options = { meta: { [MISSING_PEER_META]: marker } } as TestOptions;
  return {
    path: undefined,
    describe: (name, factory) => describe.skip(name, options, factory),
    it: (name, fn) => it.skip(name, options, fn),
  };
}
