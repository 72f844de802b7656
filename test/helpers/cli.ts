/** Runs the CLI in-process with captured output, as a user would type it. */
import { Writable } from 'node:stream';
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
