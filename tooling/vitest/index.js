// First: an unsupported Node stops here with one line, before vitest loads any test or source.
import '@tessera/node-guard';
import { tessera } from '@tessera/test-server/vitest';
import { defineConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources, in tests as in typechecking. */
export const sourceConditions = ['@tessera/source'];

/**
 * Line coverage of the package's own sources, only when TESSERA_COVERAGE=1 (`pnpm coverage`), so ordinary runs
 * stay fast. Each package runs its own vitest, so the threshold holds per package, every package; below it the run
 * fails.
 */
export const coverage = {
  enabled: process.env.TESSERA_COVERAGE === '1',
  provider: 'v8',
  reporter: ['text-summary', 'json-summary'],
  include: ['src/**/*.ts'],
  // Migration bodies run once per template build, in whichever test process builds the shared template first
  // (often another package's, or an earlier run's on a long-lived server), so their coverage says nothing about
  // this package's tests. They are proven by migration:check, the schema conformance tests and the migrator's.
  // A context's seed module (its sample data for `tessera seed`) runs in the platform's seed tests, the only place
  // every context is composed, so it is proven there (apps/platform/test/seed.test.ts), not by the context's own.
  exclude: ['src/migrations/**', 'src/seed.ts'],
  // A `tessera` process a test starts (several at once, one killed mid-run, one with a given environment) runs the
  // package's sources too: Node writes its coverage (NODE_V8_COVERAGE, which the children inherit) and vitest merges
  // it into the report, so what only a child process runs is counted as well.
  autoAttachSubprocess: true,
  thresholds: { lines: 80 },
};

/**
 * The vitest config every Tessera package uses: workspace packages resolve to their TypeScript sources, and the
 * harness comes from the same `tessera()` plugin a service adds (one real PostgreSQL per run, each test file in
 * its own fork against its own database cloned from the migrated template).
 */
export function tesseraVitestConfig(overrides = {}) {
  return defineConfig({
    plugins: [tessera()],
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      include: ['test/**/*.test.ts'],
      coverage,
      ...overrides,
    },
  });
}
