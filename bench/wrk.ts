/**
 * Runs Debian's `wrk` (one thread, `--latency`) against a URL and reads its report: requests per
 * second, p50/p99 latency, non-2xx answers and socket errors. Shared by the benchmarks that load a
 * server on loopback.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export const WRK = '/usr/bin/wrk';

export const hasWrk = (): boolean => existsSync(WRK);

export interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** connect + read + write + timeout errors. */
  readonly socketErrors: number;
}

/** `12.3us`, `4.5ms`, `1.2s` → milliseconds. */
function ms(text: string | undefined): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text ?? '');
  if (m === null) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

export function wrk(
  url: string,
  headers: Readonly<Record<string, string>>,
  seconds: number,
  connections: number,
): Promise<WrkResult> {
  const args = ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile(WRK, args, { timeout: (seconds + 30) * 1000 }, (error, stdout) => {
      if (error !== null) return reject(new Error(`wrk failed: ${error.message}`));
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      resolve({
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN),
        p50Ms: ms(/50%\s+(\S+)/.exec(stdout)?.[1]),
        p99Ms: ms(/99%\s+(\S+)/.exec(stdout)?.[1]),
        non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0),
        socketErrors: socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0),
      });
    });
  });
}
