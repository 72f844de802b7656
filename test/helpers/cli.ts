/**
 * Runs the CLI in-process with captured output, as a user would type it, or the built binary as a
 * child process, for what only a real process shows (pipes, signals, exit status).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { distStaleness } from '../../bench/dist-staleness.js';
import { runCli } from '../../src/cli/run.js';
import type { ProcessResult } from './kubectl.js';

/** A writable stream that keeps what was written, for a CLI's stdout/stderr in tests. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, {
    stdout,
    stderr,
    env,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** What a finished child process gave: exit code or the signal that ended it, and its output. */
export interface BinaryResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** The built binary, as `npm install -g` or `npx kubemetrics` runs it. */
export const BINARY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Fails a process-level suite up front when dist/ is older than src/ (it would test old code). */
export function assertBinaryBuilt(): void {
  const stale = distStaleness(fileURLToPath(new URL('../..', import.meta.url)));
  if (stale !== undefined) throw new Error(`${stale}: run \`npm run build\` before this test`);
}

export interface BinaryOptions {
  /** Where the child's stdout goes: a pipe read by the test (default) or an open file descriptor. */
  readonly stdout?: 'pipe' | number;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra node options before the script (e.g. --import). */
  readonly nodeArgs?: readonly string[];
}

/** Starts `node dist/cli/main.js ...args` as a child process (asynchronously: clusters under test live in this process). */
export function startBinary(args: readonly string[], options: BinaryOptions = {}): ChildProcess {
  return spawn(process.execPath, [...(options.nodeArgs ?? []), BINARY, ...args], {
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
  });
}

/** Collects a child's output until it has exited and its streams have closed. */
export function finished(child: ChildProcess): Promise<BinaryResult> {
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout), stderr }));
  });
}

/** Runs the binary to its end. */
export function runBinary(args: readonly string[], options: BinaryOptions = {}): Promise<BinaryResult> {
  return finished(startBinary(args, options));
}

/** Runs a bash script (pipes, redirections, completion), with the binary's path in $KUBEMETRICS. */
export function runBash(script: string, env: NodeJS.ProcessEnv = {}): Promise<BinaryResult> {
  const child = spawn('bash', ['-c', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', KUBEMETRICS: `${process.execPath} ${BINARY}`, ...env },
  });
  return finished(child);
}
