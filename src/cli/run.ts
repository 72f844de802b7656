import { isKubemetricsError } from '../errors.js';
import type { CommandInfo } from './command.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNTIME_ERROR, EXIT_USAGE } from './command.js';
import { commands } from './commands/index.js';
import { type CliIO, writeLine } from './io.js';
import { isUsageMistake } from './usage-error.js';
import { packageVersion } from './version.js';

function topLevelHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `kubemetrics: read, report and serve Kubernetes metrics.

Usage:
  kubemetrics <command> [flags]

Commands:
${list}

Global flags:
  -h, --help       Help for any command (kubemetrics <command> --help)
      --version    Print the version

Exit status: 0 ok, 1 error (message and hint on stderr), 2 usage error; a closed output pipe
(| head) ends it quietly by SIGPIPE, Ctrl-C by SIGINT (a shell shows 141 and 130).

Run 'kubemetrics demo' to see it work on a built-in local cluster, no real cluster needed.`;
}

function findCommand(name: string): CommandInfo | undefined {
  return commands.find((c) => c.name === name);
}

/**
 * Runs the CLI on argv (without node and script) and returns the exit code: 0 ok, 1 runtime
 * error (message + hint on stderr, no stack), 2 usage error, 130 when `io.signal` stopped a command
 * that had not finished (nothing printed: the user asked for it). Never throws for a user mistake.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const target = first === 'help' && rest[0] !== undefined ? findCommand(rest[0]) : undefined;
    writeLine(io.stdout, target?.help ?? topLevelHelp());
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '--version' || first === 'version') {
    writeLine(io.stdout, packageVersion());
    return EXIT_OK;
  }
  const command = findCommand(first);
  if (command === undefined) {
    writeLine(io.stderr, `error: unknown command "${first}"`);
    writeLine(io.stderr, `Run 'kubemetrics --help' for the list of commands.`);
    return EXIT_USAGE;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    writeLine(io.stdout, command.help);
    return EXIT_OK;
  }
  try {
    const implementation = await command.load();
    return await implementation.run(rest, io);
  } catch (error) {
    // Stopped by Ctrl-C/SIGTERM (or a closed output): whatever the command was doing failed because
    // it was asked to stop; that is not an error to report.
    if (io.signal.aborted) return EXIT_INTERRUPTED;
    return reportError(error, command, io);
  }
}

function reportError(error: unknown, command: CommandInfo, io: CliIO): number {
  if (isUsageMistake(error) && isKubemetricsError(error)) {
    writeLine(io.stderr, `error: ${error.message}`);
    if (error.hint !== undefined) writeLine(io.stderr, `hint: ${error.hint}`);
    writeLine(io.stderr, `Run 'kubemetrics ${command.name} --help' for usage.`);
    return EXIT_USAGE;
  }
  if (isKubemetricsError(error)) {
    writeLine(io.stderr, `error: ${error.message}`);
    if (error.hint !== undefined) writeLine(io.stderr, `hint: ${error.hint}`);
    return EXIT_RUNTIME_ERROR;
  }
  // Not a user mistake: a bug. Show the stack so it can be reported.
  writeLine(
    io.stderr,
    `internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return EXIT_RUNTIME_ERROR;
}
