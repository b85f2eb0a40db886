import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds dist/ when a source changed (scripts/build.mjs): the CLI tests run the compiled command.
    globalSetup: ['test/setup/build.ts'],
  },
});
