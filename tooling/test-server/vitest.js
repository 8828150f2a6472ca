import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// vitest loads `globalSetup` entries as files, so name the harness' setup by its absolute path: the TypeScript
// source inside this repository (always current), the compiled file in a published install (no sources there).
// Plain JavaScript, so a vitest config can load it in the workspace without a build.
const source = fileURLToPath(new URL('./src/global-setup.ts', import.meta.url));
const fromSource = existsSync(source);
const globalSetup = fromSource ? source : fileURLToPath(new URL('./dist/global-setup.js', import.meta.url));

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
        // vitest imports the global setup in its own `__vitest__` environment, which takes no `resolve.conditions` of
        // the config: from source, the workspace packages the harness imports resolve to their sources there too.
        ...(fromSource && { environments: { __vitest__: { resolve: { conditions: ['@tessera/source'] } } } }),
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
