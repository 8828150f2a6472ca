// First: an unsupported Node stops here with one line, before vitest loads any test or source.
import '@tessera/node-guard';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'vitest/config';

// vitest loads `globalSetup` entries as files, so name the harness' setup by its absolute path.
const harness = dirname(createRequire(import.meta.url).resolve('@tessera/test-server/package.json'));

/** Resolve workspace packages to their TypeScript sources, in tests as in typechecking. */
export const sourceConditions = ['@tessera/source'];

/**
 * Line coverage of the package's own sources, only when TESSERA_COVERAGE=1 (`pnpm coverage`), so ordinary runs
 * stay fast. Each package runs its own vitest, so the threshold holds per package; below it the run fails.
 */
export const coverage = {
  enabled: process.env.TESSERA_COVERAGE === '1',
  provider: 'v8',
  reporter: ['text-summary', 'json-summary'],
  include: ['src/**/*.ts'],
  // Migration bodies run once per template build, in whichever test process builds the shared template first
  // (often another package's, or an earlier run's on a long-lived server), so their coverage says nothing about
  // this package's tests. They are proven by migration:check, the schema conformance tests and the migrator's.
  exclude: ['src/migrations/**'],
  thresholds: { lines: 80 },
};

/**
 * The vitest config every Tessera package uses: workspace packages resolve to their TypeScript sources,
 * the harness' global setup provides a real PostgreSQL, and each test file runs in its own fork against
 * its own database cloned from the migrated template.
 */
export function tesseraVitestConfig(overrides = {}) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      include: ['test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 120_000,
      globalSetup: [join(harness, 'src', 'global-setup.ts')],
      coverage,
      ...overrides,
    },
  });
}
