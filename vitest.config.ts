import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources here (the `@diaspora/source` export condition),
// so tests never run against stale builds.
const conditions = ['@diaspora/source', 'node'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['{packages,services,hosts}/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
