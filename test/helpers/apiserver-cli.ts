/**
 * `kubemetrics apiserver` run in-process as a user would start it against a cluster: TLS with a
 * generated certificate (its CA written to a file), listening on 127.0.0.1 on a free port. Resolves
 * once `/readyz` answers 200; a start that does not get there fails with the readiness checks and
 * the server's log.
 */
import { readFileSync } from 'node:fs';
import { runCli } from '../../src/cli/run.js';
import { Capture } from './cli.js';
import { eventually, httpsGet } from './https.js';

export interface RunningApiserverCli {
  readonly url: string;
  /** PEM of the generated serving certificate's CA. */
  readonly ca: string;
  readonly stdout: Capture;
  readonly stderr: Capture;
  /** Aborts the run (SIGTERM-like) and resolves with its exit code. */
  stop(): Promise<number>;
}

export async function startApiserverCli(options: {
  readonly kubeconfig: string;
  /** Where the generated CA is written. */
  readonly caBundleFile: string;
  /** Flags after the common ones (providers, auth). */
  readonly args: readonly string[];
  readonly readyTimeoutMs?: number;
}): Promise<RunningApiserverCli> {
  const controller = new AbortController();
  const stdout = new Capture();
  const stderr = new Capture();
  const exit = runCli(
    [
      'apiserver',
      '--kubeconfig',
      options.kubeconfig,
      '--bind-address',
      '127.0.0.1',
      '--secure-port',
      '0',
      '--ca-bundle-file',
      options.caBundleFile,
      ...options.args,
    ],
    { stdout, stderr, env: {}, stdoutIsTTY: false, stderrIsTTY: false, signal: controller.signal },
  );
  const stop = async (): Promise<number> => {
    controller.abort();
    return exit;
  };
  let readyz = '';
  try {
    const timeoutMs = options.readyTimeoutMs ?? 20_000;
    await eventually(() => stderr.text.includes('"msg":"ready to serve"'), timeoutMs);
    const url = /"url":"(https:\/\/[^"]+)"/.exec(stderr.text)?.[1] ?? '';
    const ca = readFileSync(options.caBundleFile, 'utf8');
    await eventually(async () => {
      const answer = await httpsGet(`${url}/readyz?verbose`, { ca });
      readyz = answer.body;
      return answer.status === 200;
    }, timeoutMs);
    return { url, ca, stdout, stderr, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nreadyz: ${readyz}\nlog:\n${stderr.text}`);
  }
}
