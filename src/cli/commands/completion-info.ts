/**
 * `kubemetrics completion` as `--help` sees it. It needs the list of every command, which imports
 * this module: the list is passed in rather than imported, so no module imports itself in a cycle.
 */
import type { CommandInfo } from '../command.js';

const HELP = `Print a shell completion script for kubemetrics: commands, their flags and words.

Usage:
  kubemetrics completion bash|zsh|fish

The script is generated from each command's --help, so it offers exactly the documented flags.

Examples:
  source <(kubemetrics completion bash)      # bash, this shell (add it to ~/.bashrc to keep it)
  source <(kubemetrics completion zsh)       # zsh, after compinit
  kubemetrics completion fish | source       # fish
  kubemetrics completion bash > ~/.local/share/bash-completion/completions/kubemetrics`;

export function completionInfo(all: () => readonly CommandInfo[]): CommandInfo {
  return {
    name: 'completion',
    summary: 'Print a shell completion script (bash, zsh or fish)',
    help: HELP,
    words: ['bash', 'zsh', 'fish'],
    load: async () => (await import('./completion.js')).completionCommand(all()),
  };
}
