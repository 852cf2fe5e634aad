import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (no servers, network disabled by MockAgent), and
// integration tests that run against real `docker-registry` processes which the
// global setup starts on 127.0.0.1 (see test/harness/global-setup.ts).
// The corpus tests (test/corpus, real-world files from ../shared/corpus) are not part of
// this suite: `npm run test:corpus` runs them with vitest.corpus.config.ts.
export default defineConfig({
  test: {
    // The JSON report feeds the "N passed, N failed" line printed by .ci/run.
    reporters: ['default', ['json', { outputFile: '.vitest-reports/results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/corpus/**', 'node_modules/**'],
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: true,
        },
      },
    ],
  },
});
