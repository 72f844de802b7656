/**
 * The CLI's contract: exit codes (0 ok, 1 runtime error with message + hint, 2 usage error), help for
 * every command, and the client's hints reaching the user without a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands/index.js';
import { helpFlags } from '../src/cli/commands/completion-model.js';
import { buildCluster, startTestCluster, type TestCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';

const fixture = buildCluster({ nodes: 3, podsPerNode: 4, seed: 9 });

describe('kubemetrics CLI basics', () => {
  it('prints the version', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists every command in --help', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const command of commands) expect(result.stdout).toContain(command.name);
  });

  it.each(commands.map((c) => c.name))('%s --help shows usage and examples', async (name) => {
    const result = await cli([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage:');
  });

  // Completion offers the flags the help documents: the help must list exactly the flags parsed.
  it.each(commands.map((c) => c.name))('%s --help documents exactly the flags it parses', async (name) => {
    const info = commands.find((c) => c.name === name)!;
    const implementation = await info.load();
    const documented = helpFlags(info.help);
    const parsed = Object.entries(implementation.flags);
    expect(documented.map((f) => f.long).sort()).toEqual(parsed.map(([long]) => long).sort());
    for (const [long, option] of parsed) {
      expect(documented.find((f) => f.long === long)?.short, `--${long}`).toBe(option.short);
    }
  });

  it.each([
    [['nope'], /unknown command "nope"/],
    [['top'], /top needs "nodes" or "pods"/],
    [['top', 'services'], /got "services"/],
    [['top', 'nodes', '--sort-by', 'disk'], /--sort-by must be cpu or memory, got "disk"/],
    [['top', 'nodes', '-o', 'xml'], /unknown output format "xml"/],
    [['top', 'nodes', '--containers'], /--containers applies to top pods only/],
    [['top', 'pods', '-A', '-n', 'x'], /give -n\/--namespace or -A, not both/],
    [['top', 'pods', '--bogus'], /Unknown option '--bogus'/],
    [['top', 'nodes', '--request-timeout', 'soon'], /invalid --request-timeout "soon"/],
    [['snapshot', 'load', 'x'], /expected "snapshot save FILE"/],
    // In-process callers that give no stdin (CliIO.stdin is optional) get a message, not a hang.
    [['snapshot', 'info', '-'], /snapshot info -: no standard input to read/],
  ])('usage error %j exits 2 with a clear message', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('a kubeconfig that does not exist is a runtime error naming the file', async () => {
    const result = await cli(['top', 'nodes', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/nonexistent\/kubeconfig/);
    expect(result.stderr).toMatch(/hint: /);
  });
});

describe('CLI errors from the cluster carry the client hints', () => {
  let cluster: TestCluster;
  let noMetrics: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({
      ...fixture,
      users: [
        { name: 'admin', groups: ['system:masters'] },
        { name: 'viewer', allow: [{ verbs: ['get', 'list'], groups: [''], resources: ['nodes', 'pods'] }] },
      ],
    });
    noMetrics = await startTestCluster({ ...fixture, metricsVersions: [] });
  });
  afterAll(async () => {
    await cluster.stop();
    await noMetrics.stop();
  });

  it('metrics API not served: exit 1 with the metrics-server hint', async () => {
    const result = await cli(['top', 'nodes', '--kubeconfig', noMetrics.kubeconfigPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/metrics-server/);
    expect(result.stderr).toMatch(/kubectl get apiservices v1beta1\.metrics\.k8s\.io/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('forbidden metrics: exit 1 naming the missing RBAC rule', async () => {
    const result = await cli(['top', 'pods', '-A', '--kubeconfig', cluster.kubeconfigPathFor('viewer')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/forbidden/i);
    expect(result.stderr).toMatch(/metrics\.k8s\.io/);
  });

  it('a bad label selector is reported before any request', async () => {
    cluster.resetRequestLog();
    const result = await cli([
      'top',
      'pods',
      '-A',
      '-l',
      'app in (a',
      '--kubeconfig',
      cluster.kubeconfigPath,
    ]);
    // A usage error (exit 2, as the README states), like every other mistake in the flags.
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/app in \(a/);
    expect(result.stderr).toMatch(/Run 'kubemetrics top --help' for usage/);
    expect(cluster.requests).toHaveLength(0);
  });

  it('top pods NAME without metrics is an error with a hint', async () => {
    const result = await cli([
      'top',
      'pods',
      'no-such-pod',
      '-n',
      'default',
      '--kubeconfig',
      cluster.kubeconfigPath,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no metrics for pod default\/no-such-pod/);
  });

  it('top nodes -o json carries raw numbers and canonical quantities', async () => {
    const result = await cli(['top', 'nodes', '-o', 'json', '--kubeconfig', cluster.kubeconfigPath]);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as {
      items: { name: string; usage: { cpu: { quantity: string; value: number } } }[];
    };
    expect(body.items).toHaveLength(fixture.nodes.length);
    const first = body.items[0]!;
    expect(typeof first.usage.cpu.value).toBe('number');
    expect(first.usage.cpu.quantity).toMatch(/^\d+(n|u|m)?$/);
  });
});
