import { isKubemetricsError } from '../errors.js';
import type { Command } from './command.js';
import { EXIT_OK, EXIT_RUNTIME_ERROR, EXIT_USAGE } from './command.js';
import { commands } from './commands/index.js';
import { type CliIO, writeLine } from './io.js';
import { UsageError } from './usage-error.js';
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

Run 'kubemetrics demo' to see it work on a built-in local cluster, no real cluster needed.`;
}

function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}

/**
 * Runs the CLI on argv (without node and script) and returns the exit code: 0 ok, 1 runtime
 * error (message + hint on stderr, no stack), 2 usage error. Never throws for a user mistake.
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
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, command, io);
  }
}

function reportError(error: unknown, command: Command, io: CliIO): number {
  if (error instanceof UsageError) {
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
