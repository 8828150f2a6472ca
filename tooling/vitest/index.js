import { defineConfig } from 'vitest/config';

/**
 * The vitest config every Tessera package uses: workspace packages resolve to their TypeScript
 * sources (the `@tessera/source` export condition), and each test file runs in its own fork,
 * against its own database cloned from the migrated template.
 */
export function tesseraVitestConfig(overrides = {}) {
  return defineConfig({
    resolve: { conditions: ['@tessera/source'] },
    ssr: { resolve: { conditions: ['@tessera/source'] } },
    test: {
      include: ['test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 120_000,
      globalSetup: ['@tessera/test-server/global-setup'],
      ...overrides,
    },
  });
}
