// First: an unsupported Node stops here with one line, before vitest loads any test or source.
import '@tessera/node-guard';
import { coverage } from '@tessera/coverage-config';
import { tessera } from '@tessera/test-server/vitest';
import { defineConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources, in tests as in typechecking. */
export const sourceConditions = ['@tessera/source'];

/** Line coverage (TESSERA_COVERAGE=1): the settings every package runs with, from their own module. */
export { coverage };

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
