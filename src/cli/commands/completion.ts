/** `kubemetrics completion bash|zsh|fish`: prints the completion script for that shell. */
import { EXIT_OK, type Command, type CommandInfo } from '../command.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';
import { completionModel } from './completion-model.js';
import { completionScript, SHELLS, type Shell } from './completion-scripts.js';

export function completionCommand(all: readonly CommandInfo[]): Command {
  return {
    name: 'completion',
    flags: {},
    run(args: readonly string[], io: CliIO): Promise<number> {
      const [shell, ...extra] = args;
      if (shell === undefined || !(SHELLS as readonly string[]).includes(shell) || extra.length > 0) {
        throw new UsageError(
          `expected one shell: ${SHELLS.join(', ')}${shell === undefined ? '' : `, got ${JSON.stringify(args.join(' '))}`}`,
          'completion',
        );
      }
      io.stdout.write(completionScript(shell as Shell, completionModel(all)));
      return Promise.resolve(EXIT_OK);
    },
  };
}
