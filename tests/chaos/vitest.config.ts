import { defineConfig } from 'vitest/config';

// The chaos suite: one distributed platform (scripts/start-distributed.mjs, started by global-setup.ts) on its own
// servers (tests/chaos/servers.sh), faults injected one file after the other under a background load. Run: node
// node_modules/vitest/vitest.mjs run --config tests/chaos/vitest.config.ts (the .ci/run chaos step).
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
