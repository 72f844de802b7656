/** `kubemetrics demo`: the newcomer's first command runs end to end on the built-in cluster. */
import { describe, expect, it } from 'vitest';
import { labelSelectorFromWire } from '../src/api/index.js';
import { DEMO_HPAS, demoCluster } from '../src/testing/index.js';
import { cli } from './helpers/cli.js';

describe('kubemetrics demo', () => {
  it('shows top, capacity, the HPAs with the stuck one explained, and the custom metric an HPA reads', async () => {
    const result = await cli(['demo']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/Local demo cluster on https:\/\/127\.0\.0\.1:\d+: 20 nodes, 600 pods, .*, 3 HPAs/);
    expect(out).toContain('$ kubemetrics top nodes');
    expect(out).toMatch(/NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)/);
    expect(out).toContain('$ kubemetrics capacity --util');
    expect(out).toMatch(/NODE\s+CPU REQUESTS\s+CPU LIMITS\s+CPU USAGE/);

    // The same seeded fixture the demo builds: the `api-requests` HPA's target and metric values.
    const fixture = demoCluster();
    const hpa = fixture.horizontalPodAutoscalers.find((h) => h.metadata.name === DEMO_HPAS.custom)!;
    const namespace = hpa.metadata.namespace!;
    const target = fixture.deployments.find(
      (d) => d.metadata.namespace === namespace && d.metadata.name === hpa.spec.scaleTargetRef.name,
    )!;
    const selector = labelSelectorFromWire(target.spec.selector).toString();
    expect(out).toContain(
      `$ kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta2/namespaces/${namespace}/pods/*/http_requests?labelSelector=${selector}"`,
    );
    const served = fixture.customMetrics.filter(
      (m) => m.namespace === namespace && m.metric === 'http_requests' && m.groupResource === 'pods',
    );
    expect(served.length).toBeGreaterThanOrEqual(3);
    const metricRows = out
      .split('\n')
      .filter((l) => /\shttp_requests\s/.test(l))
      .map((l) => l.trim().split(/\s+/));
    expect(metricRows.map((r) => `${r[0]} ${r[2]}`).sort()).toEqual(
      served.map((m) => `${m.name} ${m.value}`).sort(),
    );

    // The HPA feature: every HPA of the fixture listed, and the stuck one explained with the reason
    // its own status gives (ScalingActive=False).
    expect(out).toContain('$ kubemetrics hpa list -A');
    for (const h of fixture.horizontalPodAutoscalers) {
      const row = new RegExp(
        `^${h.metadata.namespace!}\\s+${h.metadata.name!}\\s+${h.spec.scaleTargetRef.kind}/`,
        'm',
      );
      expect(out).toMatch(row);
    }
    const stuck = fixture.horizontalPodAutoscalers.find((h) => h.metadata.name === DEMO_HPAS.stuck)!;
    const reason = stuck.status?.conditions?.find((c) => c.type === 'ScalingActive')?.reason;
    expect(reason).toBeDefined();
    expect(out).toContain(`$ kubemetrics hpa explain ${DEMO_HPAS.stuck} -n ${stuck.metadata.namespace!}`);
    expect(out).toContain(`FAILED (${reason!})`);
  }, 60_000);
});
