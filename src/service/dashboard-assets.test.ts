import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard-assets.js';

// The served strings are generated from the asset files (scripts/embed-dashboard-assets.mjs): a
// stale or broken embed would serve something other than what was linted and reviewed.
it.each([
  ['index.html', DASHBOARD_HTML],
  ['dashboard.css', DASHBOARD_CSS],
  ['dashboard.js', DASHBOARD_JS],
])('serves src/service/dashboard/%s exactly as the file on disk', (file, served) => {
  expect(served).toBe(readFileSync(new URL(`./dashboard/${file}`, import.meta.url), 'utf8'));
  expect(served.length).toBeGreaterThan(500);
});

it('references the stylesheet and script at the paths the service serves', () => {
  expect(DASHBOARD_HTML).toContain('href="/assets/dashboard.css"');
  expect(DASHBOARD_HTML).toContain('src="/assets/dashboard.js"');
});
