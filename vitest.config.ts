import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the service from src: embed the dashboard's current asset files first, so an edit
// to src/service/dashboard/*.{html,css,js} is tested without a build.
const embedAssets = fileURLToPath(new URL('scripts/embed-dashboard-assets.mjs', import.meta.url));
execFileSync(process.execPath, [embedAssets], { stdio: 'inherit' });

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start real servers and kubectl; keep parallelism modest.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // The second reporter says which tests were skipped for a missing kubectl/Prometheus/Chromium.
    reporters: ['default', './test/helpers/peer-report.ts'],
    projects: [
      // Unit tests share their worker's module cache (isolate: false): loading the module graph
      // afresh for each of 80-odd files was most of their cost (CPU 80 s -> 22 s, measured in
      // docs/testing.md). They keep no state across files: fake timers are restored in afterEach,
      // nothing is mocked with vi.mock and no test writes process.env.
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], isolate: false } },
      // Integration tests start servers, clusters and processes: each file in a fresh worker.
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'] } },
    ],
  },
});
