/**
 * The `kubemetrics` binary as a user's shell runs it: `node dist/cli/main.js` as a child process
 * against the test cluster. What only a real process shows is checked here: output of megabytes
 * through a pipe, a reader that goes away (`| head -1`), SIGINT/SIGTERM while a request is in
 * flight, the exit status of every documented case, snapshot files written through links, FIFOs
 * and devices, `--watch` for programs, lazy loading and shell completion. Every wait is on an event
 * (exit, data, a request reaching the cluster), never on a timer.
 */
import { once } from 'node:events';
import {
  closeSync,
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execFileSync, spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../scripts/build-cli.js';
import { commands } from '../src/cli/commands/index.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { assertBinaryBuilt, BINARY, finished, runBash, runBinary, startBinary } from './helpers/cli.js';
import { needPeer, ZSH } from './helpers/peers.js';

// 60 nodes, ~1,800 pods: `capacity --pods -o json` is about 3.5 MB, 50 times a pipe's buffer.
const fixture = buildCluster({ nodes: 60, podsPerNode: 30, seed: 11 });

let cluster: TestCluster;
let dir: string;
let kubeconfig: string;

/**
 * A bound for a hung child, not a performance budget: every wait is on an event. A child loads the
 * whole client in a few seconds alone, but in tens of seconds on a loaded 2-core CI machine.
 */
const PROCESS_TEST_TIMEOUT_MS = 180_000;

/** A stack frame line: never shown for a user mistake, an interrupt or a closed pipe. */
const STACK = /\n\s+at /;

beforeAll(async () => {
  assertBinaryBuilt();
  dir = mkdtempSync(join(tmpdir(), 'kubemetrics-process-'));
  cluster = await startTestCluster(fixture);
  kubeconfig = cluster.kubeconfigPath;
});
afterAll(async () => {
  await cluster?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** Runs the binary with stdout to a file, as `> file` does, and returns the file's bytes. */
async function toFile(args: readonly string[]): Promise<Buffer> {
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(file, 'w');
  try {
    const result = await runBinary(args, { stdout: fd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  } finally {
    closeSync(fd);
  }
  return readFileSync(file);
}

describe('output through a pipe is whole', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each([
    [['capacity', '--pods', '-o', 'json'], 3_000_000],
    [['capacity', '--by', 'workload', '--containers', '--util', '-o', 'csv'], 200_000],
    [['top', 'pods', '-A', '--containers'], 100_000],
  ])('%j: pipe and file get the same bytes', async (args, atLeast) => {
    const full = [...args, '--kubeconfig', kubeconfig];
    const file = await toFile(full);
    expect(file.length).toBeGreaterThan(atLeast);
    // A socket pair (node's 'pipe') ...
    const piped = await runBinary(full);
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(piped.stdout.equals(file)).toBe(true);
    // ... and a real pipe into another program, as `| wc -c` gets it.
    const shell = await runBash(
      `set -o pipefail; $KUBEMETRICS ${full.map((a) => `'${a}'`).join(' ')} | wc -c`,
    );
    expect(shell.stderr).toBe('');
    expect(shell.code).toBe(0);
    expect(Number(shell.stdout.toString().trim())).toBe(file.length);
  });

  it('snapshot save - writes the whole snapshot to a pipe, the summary to stderr', async () => {
    const result = await runBinary(['snapshot', 'save', '-', '--kubeconfig', kubeconfig]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^saved to standard output: 60 nodes, \d+ pods/);
    const snapshot = JSON.parse(result.stdout.toString()) as { kind: string; nodes: unknown[] };
    expect(snapshot.kind).toBe('KubemetricsSnapshot');
    expect(snapshot.nodes).toHaveLength(60);
    expect(result.stdout.length).toBeGreaterThan(1_000_000);
  });

  it('completion and help reach a pipe whole', async () => {
    for (const args of [['completion', 'bash'], ['--help'], ['capacity', '--help']]) {
      const file = await toFile(args);
      const piped = await runBinary(args);
      expect(piped.code).toBe(0);
      expect(piped.stdout.equals(file)).toBe(true);
    }
  });
});

describe('a reader that closes early (| head -1)', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each([[['capacity', '--pods', '-o', 'json']], [['capacity', '--pods', '--containers']]])(
    '%j ends quietly by SIGPIPE (141 in a shell), as kubectl does',
    async (args) => {
      const quoted = [...args, '--kubeconfig', kubeconfig].map((a) => `'${a}'`).join(' ');
      const result = await runBash(
        `set -o pipefail; $KUBEMETRICS ${quoted} 2>"$ERR" | head -1 >/dev/null; echo "status $?"`,
        { ERR: join(dir, 'head-stderr') },
      );
      expect(result.stdout.toString().trim()).toBe('status 141');
      expect(readFileSync(join(dir, 'head-stderr'), 'utf8')).toBe('');
    },
  );

  it('a child whose stdout is closed by its reader dies by SIGPIPE with nothing on stderr', async () => {
    const child = startBinary(['capacity', '--pods', '-o', 'json', '--kubeconfig', kubeconfig]);
    const result = finished(child);
    await once(child.stdout!, 'data');
    child.stdout!.destroy();
    const { signal, stderr } = await result;
    expect(signal).toBe('SIGPIPE');
    expect(stderr).toBe('');
  });
});

describe('write errors are errors', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it('> /dev/full: a message on stderr and exit 1, never 0', async () => {
    const result = await runBash(
      `$KUBEMETRICS top pods -A --kubeconfig '${kubeconfig}' > /dev/full; echo "status $?"`,
    );
    expect(result.stdout.toString().trim()).toBe('status 1');
    expect(result.stderr).toMatch(/^error: cannot write the output: ENOSPC/);
    expect(result.stderr).not.toMatch(STACK);
  });
});

describe('SIGINT and SIGTERM while a list is in flight', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let slow: TestCluster;
  let arrived: Promise<void>;
  let onArrival: () => void;
  const held: ServerResponse[] = [];
  beforeAll(async () => {
    slow = await startTestCluster({ ...fixture, metricsVersions: ['v1beta1'] });
    // The pod metrics list never answers: the command is inside a request when the signal comes.
    slow.registerAPIService({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      resources: [
        { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
      ],
      handler: (_req, res) => {
        held.push(res);
        onArrival();
      },
    });
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    await slow?.stop();
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: ends at once by that signal, nothing on stderr',
    async (signal) => {
      arrived = new Promise((resolve) => (onArrival = resolve));
      const child = startBinary(['top', 'pods', '-A', '--kubeconfig', slow.kubeconfigPath]);
      const result = finished(child);
      await arrived;
      child.kill(signal);
      const { code, signal: ended, stderr, stdout } = await result;
      expect({ code, ended }).toEqual({ code: null, ended: signal });
      expect(stderr).toBe('');
      expect(stdout.length).toBe(0);
    },
  );

  it('a shell sees 130 for Ctrl-C', async () => {
    arrived = new Promise((resolve) => (onArrival = resolve));
    const pidFile = join(dir, 'pid');
    const shell = runBash(
      `$KUBEMETRICS top pods -A --kubeconfig '${slow.kubeconfigPath}' & echo $! > '${pidFile}'; wait $!; echo "status $?"`,
    );
    await arrived;
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGINT');
    const result = await shell;
    expect(result.stdout.toString().trim()).toBe('status 130');
    expect(result.stderr).toBe('');
  });

  it('serve treats SIGTERM as its stop: graceful shutdown, exit 0', async () => {
    const snapshot = join(dir, 'serve.json');
    expect((await runBinary(['snapshot', 'save', snapshot, '--kubeconfig', kubeconfig])).code).toBe(0);
    const child = startBinary(['serve', '--snapshot', snapshot, '--listen', '127.0.0.1:0']);
    const result = finished(child);
    const lines = createInterface({ input: child.stderr! });
    for await (const line of lines) if (line.includes('listening on')) break;
    child.kill('SIGTERM');
    const { code, signal } = await result;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});

describe('exit status of every documented case', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each([
    [['--version'], 0, /^$/],
    [
      ['top', 'nodes', '--kubeconfig', '/nonexistent/kubeconfig'],
      1,
      /\/nonexistent\/kubeconfig[\s\S]*hint: /,
    ],
    [['nope'], 2, /unknown command "nope"/],
    [['top', 'services'], 2, /got "services"/],
    [['top', 'pods', '-A', '-l', 'app in ('], 2, /invalid label selector[\s\S]*kubemetrics top --help/],
    [['capacity', '--node-labels', 'zone in (a'], 2, /invalid label selector/],
    [['completion', 'tcsh'], 2, /expected one shell: bash, zsh, fish/],
    [['top', 'nodes', '--watch=100ms'], 2, /--watch interval must be at least 1s/],
    // A usage mistake under --watch ends the watch at once (it used to repeat at every refresh).
    [['top', 'nodes', '-o', 'csv', '--watch', '1s'], 2, /unknown output format "csv"/],
    [['capacity', '--sort', 'foo', '-w', '1s'], 2, /--sort/],
  ])('%j exits %i', async (args, code, stderr) => {
    const result = await runBinary(
      args.includes('--kubeconfig') ? args : [...args, '--kubeconfig', kubeconfig],
    );
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(stderr);
    expect(result.stderr).not.toMatch(STACK);
  });

  it('an error from the cluster exits 1 with the message and a hint', async () => {
    const noMetrics = await startTestCluster({ ...fixture, metricsVersions: [] });
    try {
      const result = await runBinary(['top', 'nodes', '--kubeconfig', noMetrics.kubeconfigPath]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: .*\nhint: .*metrics-server/s);
      expect(result.stderr).not.toMatch(STACK);
    } finally {
      await noMetrics.stop();
    }
  });
});

describe('snapshot info - reads standard input', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each(['plain.json', 'packed.json.gz'])('%s through a pipe reads as the file does', async (name) => {
    const file = join(dir, `stdin-${name}`);
    expect((await runBinary(['snapshot', 'save', file, '--kubeconfig', kubeconfig])).code).toBe(0);
    const named = await runBinary(['snapshot', 'info', file]);
    expect(named.code).toBe(0);
    const piped = await runBash(`$KUBEMETRICS snapshot info - < '${file}'`);
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    // Same summary; only the name in the first line differs.
    expect(piped.stdout.toString().replace(/^[^:]+:/, '')).toBe(
      named.stdout.toString().replace(/^[^:]+:/, ''),
    );
    const catted = await runBash(`cat '${file}' | $KUBEMETRICS snapshot info -`);
    expect(catted.stdout.toString()).toBe(piped.stdout.toString());
  });

  it('an empty standard input is an error naming it, exit 1', async () => {
    const result = await runBash(`$KUBEMETRICS snapshot info - < /dev/null`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: snapshot file - \(standard input\): is empty/);
  });
});

describe('snapshot save writes files safely', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  const save = (target: string) => runBinary(['snapshot', 'save', target, '--kubeconfig', kubeconfig]);
  const readable = async (file: string) => (await runBinary(['snapshot', 'info', file])).code === 0;

  it('through a symlink: the link stays, its target gets the snapshot, with its permissions kept', async () => {
    const target = join(dir, 'target.json');
    const link = join(dir, 'link.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o600);
    symlinkSync('target.json', link);
    const result = await save(link);
    expect(result.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(await readable(target)).toBe(true);
    // The temp file was renamed, not left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a dangling symlink: its target is created', async () => {
    const link = join(dir, 'dangling.json');
    symlinkSync('created.json', link);
    expect((await save(link)).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await readable(join(dir, 'created.json'))).toBe(true);
  });

  it('a FIFO is written to, never replaced', async () => {
    const fifo = join(dir, 'snapshot.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = runBash(`cat '${fifo}'`);
    const result = await save(fifo);
    expect(result.code).toBe(0);
    const read = await reader;
    expect((JSON.parse(read.stdout.toString()) as { kind: string }).kind).toBe('KubemetricsSnapshot');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('/dev/null takes it (a dry run), and stays a device', async () => {
    const result = await save('/dev/null');
    expect(result.code).toBe(0);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('/dev/stdout means standard output, like -', async () => {
    const result = await save('/dev/stdout');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout.toString()) as { kind: string }).kind).toBe('KubemetricsSnapshot');
  });

  it('a directory is refused, exit 1, left as it is', async () => {
    const target = join(dir, 'a-directory');
    mkdirSync(target);
    const result = await save(target);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is a directory\nhint: Give a file name inside it/);
    expect(readdirSync(target)).toEqual([]);
  });

  it('/dev/full (a device) is refused, exit 1, and stays a device', async () => {
    const result = await save('/dev/full');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot write \/dev\/full: it is a character device/);
    expect(result.stderr).not.toMatch(STACK);
    expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('a missing directory is named', async () => {
    const result = await save(join(dir, 'no-such-dir', 'x.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no-such-dir does not exist/);
  });
});

describe('--watch for programs (stdout not a terminal)', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  /** Reads `count` lines of a watching child, then stops it with SIGINT (its normal end: exit 0). */
  async function watchLines(args: readonly string[], count: number): Promise<string[]> {
    const child = startBinary([...args, '--kubeconfig', kubeconfig]);
    const result = finished(child);
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout! })) {
      lines.push(line);
      if (lines.length === count) break;
    }
    child.kill('SIGINT');
    const { code, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    return lines;
  }

  it('-o json is JSON Lines: one document per refresh, each with refreshedAt', async () => {
    const lines = await watchLines(['top', 'nodes', '-o', 'json', '--watch', '1s'], 2);
    for (const line of lines) {
      const doc = JSON.parse(line) as { kind: string; items: unknown[]; refreshedAt: string };
      expect(doc.kind).toBe('TopNodes');
      expect(doc.items).toHaveLength(60);
      expect(Number.isNaN(Date.parse(doc.refreshedAt))).toBe(false);
    }
  });

  it('-o csv: one header with a timestamp column, then rows; no separator lines', async () => {
    const lines = await watchLines(['capacity', '-o', 'csv', '-w', '1s'], 1 + 61 + 61);
    expect(lines[0]).toMatch(/^timestamp,level,/);
    const rows = lines.slice(1);
    expect(rows.every((row) => /^\d{4}-\d\d-\d\dT[\d:.]+Z,(cluster|node),/.test(row))).toBe(true);
    expect(new Set(rows.map((row) => row.split(',')[0])).size).toBe(2);
  });
});

describe('fast start: metadata only until a command runs', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let hooks: string;
  beforeAll(() => {
    const log = join(dir, 'modules.log');
    const hookFile = join(dir, 'hooks.mjs');
    writeFileSync(
      hookFile,
      `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hookFile).href)});\n`,
    );
    hooks = register;
  });

  /**
   * The sources a run loaded: each file the binary read under the package root, replaced by the
   * sources esbuild bundled into it (dist/cli/bundle.json, written by scripts/build-cli.ts).
   */
  async function loaded(args: readonly string[]): Promise<{ files: string[]; sources: string[] }> {
    const log = join(dir, 'modules.log');
    writeFileSync(log, '');
    const result = await runBinary(args, { nodeArgs: ['--import', pathToFileURL(hooks).href] });
    expect(result.code).toBe(0);
    const root = pathToFileURL(join(BINARY, '../../..')).href;
    const manifest = JSON.parse(readFileSync(join(BINARY, '../bundle.json'), 'utf8')) as BundleManifest;
    const files = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith(root))
      .map((url) => url.slice(root.length + 1));
    const sources = files.flatMap((file) => {
      const output = manifest.outputs[file.replace(/^dist\/cli\//, '')];
      return file.startsWith('dist/cli/') && output !== undefined ? output.inputs : [file];
    });
    return { files, sources };
  }

  it('the binary runs as a program, as `npx kubemetrics` and the package bin run it (executable, shebang)', () => {
    // npm links the bin without changing its mode for the package itself: a build that leaves
    // dist/cli/main.js without its executable bit breaks the README's first command.
    const out = execFileSync(BINARY, ['--version'], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("the binary is the bundle: every file it loads is one of the bundle's", async () => {
    const { files } = await loaded(['top', 'nodes', '--kubeconfig', kubeconfig]);
    const manifest = JSON.parse(readFileSync(join(BINARY, '../bundle.json'), 'utf8')) as BundleManifest;
    expect(files[0]).toBe('dist/cli/main.js');
    expect(files.filter((file) => manifest.outputs[file.replace(/^dist\/cli\//, '')] === undefined)).toEqual(
      [],
    );
    // Unbundled, the same command read ~400 files (our modules, undici's, yaml's).
    expect(files.length).toBeLessThan(40);
  });

  it.each([
    [['--version']],
    [['--help']],
    [['top', '--help']],
    [['capacity', '--help']],
    [['completion', 'bash']],
  ])('%j loads no command implementation, client, report or dependency', async (args) => {
    const { sources } = await loaded(args);
    expect(sources).toContain('src/cli/main.ts');
    const implementations = commands.map((c) => `src/cli/commands/${c.name}.ts`);
    const heavy = sources.filter(
      (m) =>
        (implementations.includes(m) &&
          !(args[0] === 'completion' && m === 'src/cli/commands/completion.ts')) ||
        m.startsWith('src/client/') ||
        m.startsWith('src/report/') ||
        m.startsWith('node_modules/'),
    );
    expect(heavy).toEqual([]);
  });

  it('a command loads its implementation; a one-shot command no undici (node:https), no YAML writer', async () => {
    const { sources } = await loaded(['top', 'nodes', '--kubeconfig', kubeconfig]);
    expect(sources).toContain('src/cli/commands/top.ts');
    expect(sources).toContain('src/client/transport-http.ts');
    expect(sources).not.toContain('src/cli/commands/serve.ts');
    expect(sources.filter((m) => m.startsWith('node_modules/undici/'))).toEqual([]);
    // The kubeconfig is read with js-yaml (src/client/kubeconfig-yaml.ts); the `yaml` package,
    // five times its size, is for `-o yaml` (src/cli/yaml-output.ts) and loads only then.
    expect(sources.filter((m) => m.startsWith('node_modules/yaml/'))).toEqual([]);
    expect(sources).toContain('src/client/kubeconfig-yaml.ts');
    const asYaml = await loaded(['top', 'nodes', '--kubeconfig', kubeconfig, '-o', 'yaml']);
    expect(asYaml.sources).toContain('src/cli/yaml-output.ts');
  });
});

describe('shell completion', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  /** Calls the bash completion function as bash does on TAB, with the words typed so far. */
  async function bashComplete(...words: string[]): Promise<string[]> {
    const typed = words.map((w) => `'${w}'`).join(' ');
    const result = await runBash(
      `source <($KUBEMETRICS completion bash)
COMP_WORDS=(kubemetrics ${typed}); COMP_CWORD=${words.length}; COMPREPLY=()
_kubemetrics; printf '%s\\n' "\${COMPREPLY[@]}"`,
    );
    expect(result.stderr).toBe('');
    return result.stdout.toString().split('\n').filter(Boolean);
  }

  it('bash: the script registers a completion for kubemetrics', async () => {
    const result = await runBash(`source <($KUBEMETRICS completion bash); complete -p kubemetrics`);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain('-F _kubemetrics kubemetrics');
  });

  it.each([
    [['ca'], ['capacity']],
    [['co'], ['completion']],
    [
      ['top', ''],
      ['nodes', 'pods'],
    ],
    [
      ['top', '--sort-by', ''],
      ['cpu', 'memory'],
    ],
    // bash splits `--sort-by=m` at the '=' (COMP_WORDBREAKS).
    [['top', '--sort-by', '=', 'm'], ['memory']],
    [['capacity', '--no'], ['--node-labels']],
    [
      ['top', '-o', ''],
      ['table', 'wide', 'json', 'yaml'],
    ],
    [
      ['capacity', '--by', 'n'],
      ['node', 'namespace'],
    ],
    [
      ['snapshot', ''],
      ['save', 'info'],
    ],
    [
      ['completion', ''],
      ['bash', 'zsh', 'fish'],
    ],
  ])('bash: kubemetrics %j<TAB> offers %j', async (words, expected) => {
    expect(await bashComplete(...words)).toEqual(expected);
  });

  it('bash: every flag of every command is offered after --', async () => {
    for (const command of commands) {
      const offered = await bashComplete(command.name, '--');
      const documented = [...command.help.matchAll(/^ {2,}(?:-\w, )?(--[a-z0-9-]+)/gm)].map((m) => m[1]!);
      for (const flag of documented) expect(offered).toContain(flag);
    }
  });
});

const have = (program: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe.runIf(have('fish'))('fish completion', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each([
    ['kubemetrics ca', ['capacity']],
    ['kubemetrics top ', ['nodes', 'pods']],
    ['kubemetrics top --sort-by ', ['cpu', 'memory']],
  ])('%j<TAB> offers %j', async (line, expected) => {
    const script = join(dir, 'kubemetrics.fish');
    writeFileSync(script, (await runBinary(['completion', 'fish'])).stdout);
    const result = await finished(
      spawn('fish', ['--no-config', '-c', `source '${script}'; complete -C '${line}'`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(result.stderr).toBe('');
    expect(
      result.stdout
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(expected);
  });
});

const zsh = needPeer(ZSH);

/** Prints what zsh offers on TAB after $LINE (the file says how, without guessing any time). */
const ZSH_CAPTURE = fileURLToPath(new URL('fixtures/zsh-complete.zsh', import.meta.url));

zsh.describe('zsh completion, in a real zsh', () => {
  let script: string;
  beforeAll(async () => {
    script = join(dir, '_kubemetrics');
    writeFileSync(script, (await runBinary(['completion', 'zsh'])).stdout);
  });

  async function zshComplete(line: string): Promise<string[]> {
    const result = await finished(
      spawn(zsh.path!, ['-f', ZSH_CAPTURE], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env['PATH'] ?? '', ZSH_BIN: zsh.path!, SCRIPT: script, LINE: line, HOME: dir },
      }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout
      .toString()
      .split('\n')
      .filter((w) => w !== '');
  }

  it('is valid zsh that registers _kubemetrics with compdef', async () => {
    const result = await finished(
      spawn(
        zsh.path!,
        [
          '-f',
          '-c',
          `autoload -U compinit && compinit -u -D && source '${script}' && print -r -- $_comps[kubemetrics]`,
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.toString().trim()).toBe('_kubemetrics');
  });

  it.each([
    ['kubemetrics ca', ['capacity']],
    ['kubemetrics top ', ['nodes', 'pods']],
    ['kubemetrics top --sort-by ', ['cpu', 'memory']],
    ['kubemetrics top -o ', ['json', 'table', 'wide', 'yaml']],
    ['kubemetrics capacity --output ', ['csv', 'json', 'table', 'tsv', 'wide', 'yaml']],
    ['kubemetrics capacity --output=', ['csv', 'json', 'table', 'tsv', 'wide', 'yaml']],
    ['kubemetrics capacity --by ', ['namespace', 'node', 'workload']],
    ['kubemetrics top nodes --output=j', ['json']],
    ['kubemetrics hpa list -o ', ['csv', 'json', 'table', 'text', 'tsv', 'wide', 'yaml']],
    ['kubemetrics doctor --output=', ['json', 'table']],
    ['kubemetrics completion ', ['bash', 'fish', 'zsh']],
    ['kubemetrics serve --as-gr', ['--as-group']],
  ])('%j<TAB> offers %j', async (line, expected) => {
    expect(await zshComplete(line)).toEqual(expected);
  });
});
