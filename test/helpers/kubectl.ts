/**
 * Running the real kubectl from tests. It must run asynchronously: the API servers under test live
 * in the test process and must keep serving while kubectl waits for them.
 */
import { execFile } from 'node:child_process';
import { stringify } from 'yaml';

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl with only PATH, HOME (a temp dir, so its cache cannot leak) and KUBECONFIG set. */
export function runKubectl(
  kubectl: string,
  args: string[],
  env: { home: string; kubeconfig: string },
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(
      kubectl,
      args,
      {
        env: { PATH: process.env['PATH'] ?? '', HOME: env.home, KUBECONFIG: env.kubeconfig },
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');
export const columns = (line: string): string[] => line.trim().split(/\s{2,}/);

/** A kubeconfig (YAML text) for a plain-HTTP server at `url`, with an anonymous user. */
export function plainHttpKubeconfig(url: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'metrics', cluster: { server: url } }],
    users: [{ name: 'anonymous', user: {} }],
    contexts: [{ name: 'metrics', context: { cluster: 'metrics', user: 'anonymous' } }],
    'current-context': 'metrics',
  });
}
