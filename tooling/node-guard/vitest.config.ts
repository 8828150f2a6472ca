import { defineConfig } from 'vitest/config';

// Not the shared config: that one imports this package (its guard), and these tests need no database.
// Starting vitest under an old Node takes seconds when the machine is busy.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000 } });
