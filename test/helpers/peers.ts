/**
 * The real programs some tests run against ("peers"): kubectl, Prometheus with promtool, Chromium.
 * test/helpers/peer-lookup.ts says how each is found and which Debian package provides it; this
 * gate decides what a test that needs a missing peer does:
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
import { describe, it, type TestFunction, type TestOptions } from 'vitest';
import {
  isCI,
  MISSING_PEER_META,
  missingPeerError,
  type Env,
  type MissingPeer,
  type Peer,
} from './peer-lookup.js';

// The peers and their lookups, so a test imports everything it needs from here.
export { CHROMIUM, isCI, KUBECTL, PROMETHEUS, ZSH } from './peer-lookup.js';

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
