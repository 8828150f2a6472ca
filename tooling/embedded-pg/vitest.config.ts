import { coverage } from '@tessera/coverage-config';
import { defineConfig } from 'vitest/config';

// Not the shared config: that one starts the test harness' server, and these tests start their own servers. The
// coverage settings are every package's, from their own module.
export default defineConfig({
  resolve: { conditions: ['@tessera/source'] },
  ssr: { resolve: { conditions: ['@tessera/source'] } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, coverage },
});
