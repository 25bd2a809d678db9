import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker less than the cores, so on a two-core
    // machine the files ran one at a time while most of them wait on child
    // processes, the S3 gateway and the network.
    maxWorkers: 2,
    globalSetup: ['packages/storage/test/support/rgw-global.ts'],
    reporters: ['default'],
  },
});
