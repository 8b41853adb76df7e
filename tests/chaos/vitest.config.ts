import { defineConfig } from 'vitest/config';

// The chaos suite: the distributed platform (scripts/start-distributed.mjs) on its own servers
// (tests/chaos/servers.sh), faults injected one file after the other. Run: node node_modules/vitest/vitest.mjs run
// --config tests/chaos/vitest.config.ts (the .ci/run chaos step).
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
