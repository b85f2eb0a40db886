import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files of a worker share one process and its module cache instead of a fresh process each: importing the
    // stages again for every file was most of the suite's time (eval/results/test-suite-time.md). Tests therefore
    // leave no global state behind (environment variables, listeners, spies are restored), as the code keeps none.
    isolate: false,
    // Builds dist/ when a source changed (scripts/build.mjs): the CLI tests run the compiled command.
    globalSetup: ['test/setup/build.ts'],
  },
});
