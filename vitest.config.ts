import { defineConfig } from 'vitest/config';

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
