/**
 * `kubemetrics demo` as `--help` and completion see it; the implementation (demo.ts) is imported
 * only when the command runs.
 */
import type { CommandInfo } from '../command.js';

const HELP = `Start a local demo cluster (no real cluster needed) and show what kubemetrics does with it.

Usage:
  kubemetrics demo [--keep]

Flags:
      --keep    Keep the demo cluster running after the demo and print its kubeconfig path, so you
                can try any command (or kubectl) against it; Ctrl-C stops it.`;

export const demoInfo: CommandInfo = {
  name: 'demo',
  summary: 'Run the tool on a built-in local demo cluster (no cluster needed)',
  help: HELP,
  words: [],
  load: async () => (await import('./demo.js')).demoCommand,
};
