import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// vitest loads `globalSetup` entries as files, so name the harness' setup by its absolute path: the TypeScript
// source inside this repository (always current), the compiled file in a published install (no sources there).
const harness = dirname(createRequire(import.meta.url).resolve('@tessera/test-server/package.json'));
const source = join(harness, 'src', 'global-setup.ts');
const globalSetup = existsSync(source) ? source : join(harness, 'dist', 'global-setup.js');

/**
 * The vitest plugin of the Tessera test harness: `plugins: [tessera()]` starts one real PostgreSQL per run
 * (TEST_DATABASE_URL, else testcontainers, else embedded), so `useTestDatabase(...)` works in every test file.
 * It also sets the defaults the harness is built for (forks, generous timeouts) where the config sets none.
 */
export function tessera() {
  return {
    name: '@tessera/testing',
    config(config) {
      const test = config.test ?? {};
      return {
        test: {
          globalSetup: [globalSetup],
          pool: test.pool ?? 'forks',
          testTimeout: test.testTimeout ?? 60_000,
          hookTimeout: test.hookTimeout ?? 120_000,
        },
      };
    },
  };
}
