import { defineConfig } from 'vitest/config';

// The corpus suite: the finders over the real-world files of ../shared/corpus (or
// $DIGESTPIN_CORPUS), checked against the hand counts in its EXPECTED.md. Run by
// `npm run test:corpus` and by .ci/run; the global setup fails the run, naming the
// expected path, when the corpus is not there.
export default defineConfig({
  test: {
    name: 'corpus',
    include: ['test/corpus/**/*.test.ts'],
    globalSetup: ['test/corpus/require-corpus.ts'],
    testTimeout: 30_000,
    // Its own report, so .ci/run can sum both runs into one line.
    reporters: ['default', ['json', { outputFile: '.vitest-reports/corpus.json' }]],
  },
});
