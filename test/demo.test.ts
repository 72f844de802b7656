/** `kubemetrics demo`: the newcomer's first command runs end to end on the built-in cluster. */
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

describe('kubemetrics demo', () => {
  it('shows top, capacity and a custom metric served by the metrics API server', async () => {
    const result = await cli(['demo']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/Local demo cluster on https:\/\/127\.0\.0\.1:\d+: 20 nodes, 600 pods/);
    expect(out).toContain('$ kubemetrics top nodes');
    expect(out).toMatch(/NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)/);
    expect(out).toContain('$ kubemetrics capacity --util');
    expect(out).toMatch(/NODE\s+CPU REQUESTS\s+CPU LIMITS\s+CPU USAGE/);
    expect(out).toMatch(
      /\$ kubectl get --raw "\/apis\/custom\.metrics\.k8s\.io\/v1beta2\/namespaces\/\S+\/pods\/\*\/http_requests\?labelSelector=pod-template-hash=/,
    );
    const metricRows = out.split('\n').filter((l) => /\shttp_requests\s/.test(l));
    expect(metricRows.length).toBeGreaterThanOrEqual(3);
    expect(metricRows[0]).toMatch(/12500m\s+12\.5$/);
  }, 60_000);
});
