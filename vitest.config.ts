import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the service from src: embed the dashboard's current asset files first, so an edit
// to src/service/dashboard/*.{html,css,js} is tested without a build.
const embedAssets = fileURLToPath(new URL('scripts/embed-dashboard-assets.mjs', import.meta.url));
execFileSync(process.execPath, [embedAssets], { stdio: 'inherit' });

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start real servers and kubectl; keep parallelism modest.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // The second reporter says which tests were skipped for a missing kubectl/Prometheus/Chromium.
    reporters: ['default', './test/helpers/peer-report.ts'],
  },
});
