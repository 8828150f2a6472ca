import { coverage } from '@tessera/coverage-config';
import { defineConfig } from 'vitest/config';
import { tessera } from './vitest.js';

// The harness cannot use the shared config (that package depends on this one), so it adds its own plugin directly,
// and the coverage settings every package runs with from their own module (a dev dependency, not published).
export default defineConfig({
  plugins: [tessera()],
  resolve: { conditions: ['@tessera/source'] },
  ssr: { resolve: { conditions: ['@tessera/source'] } },
  test: { include: ['test/**/*.test.ts'], coverage },
});
