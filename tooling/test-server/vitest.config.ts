import { defineConfig } from 'vitest/config';

// The harness cannot use the shared config (that package depends on this one), so it spells the same out.
export default defineConfig({
  resolve: { conditions: ['@tessera/source'] },
  ssr: { resolve: { conditions: ['@tessera/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['./src/global-setup.ts'],
  },
});
