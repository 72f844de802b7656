/**
 * A vitest reporter that prints, once per run and per missing peer, how many tests were skipped
 * without it and how to install it (see test/helpers/peers.ts). Test files run in separate
 * processes, so only the main process sees the whole run; listed in vitest.config.ts next to the
 * default reporter (a `--reporter` flag replaces both: add `--reporter=./test/helpers/peer-report.ts`).
 */
import type { Reporter, TestModule } from 'vitest/node';
import { MISSING_PEER_META, skipNotice, type MissingPeer } from './peer-lookup.js';

/** Per missing peer, the number of skipped tests marked with it. */
export function countSkippedForPeers(
  modules: Iterable<TestModule>,
): Map<string, { peer: MissingPeer; tests: number }> {
  const counts = new Map<string, { peer: MissingPeer; tests: number }>();
  for (const module of modules) {
    for (const test of module.children.allTests('skipped')) {
      const peer = (test.meta() as Record<string, unknown>)[MISSING_PEER_META] as MissingPeer | undefined;
      if (peer === undefined) continue;
      const entry = counts.get(peer.name) ?? { peer, tests: 0 };
      entry.tests++;
      counts.set(peer.name, entry);
    }
  }
  return counts;
}

export default class PeerReport implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    for (const { peer, tests } of countSkippedForPeers(modules).values())
      process.stderr.write(`${skipNotice(peer, tests)}\n`);
  }
}
