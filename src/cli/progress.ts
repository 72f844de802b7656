/**
 * Progress of long collections on stderr ("pods: 12,500 (25 pages)"), redrawn in place, only when
 * stderr is a terminal: pipes and CI logs stay clean.
 */
import type { CollectProgress } from '../report/index.js';
import type { CliIO } from './io.js';

export interface ProgressLine {
  readonly onProgress: ((p: CollectProgress) => void) | undefined;
  /** Clears the line once collection is done. */
  done(): void;
}

const MIN_INTERVAL_MS = 100;

export function progressLine(io: CliIO): ProgressLine {
  if (!io.stderrIsTTY) return { onProgress: undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    onProgress(p) {
      const now = Date.now();
      if (now - last < MIN_INTERVAL_MS) return;
      last = now;
      shown = true;
      const remaining =
        p.podsRemaining === undefined ? '' : `, ${p.podsRemaining.toLocaleString('en-US')} to go`;
      const restarts = p.restarts === 0 ? '' : `, restarted ${p.restarts}x`;
      io.stderr.write(
        `\r\u001b[2Kcollecting: nodes ${p.nodesSeen.toLocaleString('en-US')}, pods ${p.podsSeen.toLocaleString('en-US')} (${p.podPages} pages${remaining}${restarts})`,
      );
    },
    done() {
      if (shown) io.stderr.write('\r\u001b[2K');
    },
  };
}
