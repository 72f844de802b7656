#!/usr/bin/env node
/**
 * The `kubemetrics` binary: the only module that touches process.argv, process.exit and signals.
 *
 * How it ends (README "Exit codes"):
 * - the command's code (0, 1, 2), once everything written to stdout and stderr has reached the
 *   pipe, file or socket: stdout to a pipe is asynchronous, and exiting earlier cuts the output at
 *   the pipe's buffer size (64 KiB on Linux);
 * - a reader that went away (EPIPE, `| head -1`): quietly, by SIGPIPE, as kubectl (a Go program)
 *   and cat do; a shell shows 141;
 * - any other write error (ENOSPC, EIO: `> /dev/full`): a message on stderr and exit 1;
 * - SIGINT/SIGTERM: the command is aborted through `io.signal`; a command that had not finished
 *   ends by the same signal (130/143 in a shell), one that treats the signal as its normal stop
 *   (servers, --watch, demo --keep) exits 0 after shutting down. A second signal kills at once.
 */
import { constants } from 'node:os';
import { EXIT_OK, EXIT_RUNTIME_ERROR } from './command.js';
import { packageVersion } from './version.js';

const controller = new AbortController();
let stoppedBy: NodeJS.Signals | undefined;
let readerGone = false;
let writeError: Error | undefined;

function onSignal(signal: NodeJS.Signals): void {
  stoppedBy ??= signal;
  controller.abort();
}
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

// Without a listener, a write error is an uncaught 'error' event: a stack trace and exit 1 even for
// `| head -1`. With one, the command is stopped and the error decides the exit below.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') readerGone = true;
    else if (stream === process.stdout) writeError ??= error;
    controller.abort();
  });
}

/** Resolves once everything written so far has been handed to the OS (or the stream failed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  // Write callbacks run in order: this one runs after every earlier chunk is written.
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** Ends the process by `signal` with its default action, so the parent sees what kubectl gives. */
function dieBy(signal: NodeJS.Signals): never {
  process.removeAllListeners(signal);
  // Node ignores SIGPIPE; adding and removing a listener puts back the default action.
  const noop = (): void => undefined;
  process.on(signal, noop);
  process.off(signal, noop);
  process.kill(process.pid, signal);
  // Only reached if the signal is ignored (inherited SIG_IGN): the status a shell would show.
  process.exit(128 + constants.signals[signal]);
}

/**
 * `--version` is answered here, before the command table (every command's help) is imported: a
 * script that checks the version pays for Node's start and little else. The rest goes through run.ts.
 */
async function run(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const { runCli } = await import('./run.js');
  return runCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    signal: controller.signal,
  });
}

const code = await run(process.argv.slice(2));
await flushed(process.stdout);
if (writeError !== undefined) {
  process.stderr.write(`error: cannot write the output: ${writeError.message}\n`);
  process.stderr.write(`hint: check the disk or device standard output goes to.\n`);
}
await flushed(process.stderr);
if (writeError !== undefined) process.exit(EXIT_RUNTIME_ERROR);
if (readerGone) dieBy('SIGPIPE');
if (stoppedBy !== undefined && code !== EXIT_OK) dieBy(stoppedBy);
// Servers and watchers keep handles open; once a command has returned and its output is out,
// nothing is left to do.
process.exit(code);
