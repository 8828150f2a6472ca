import { tesseraVitestConfig } from '@tessera/vitest-config';

// The scale-out suite: real streaming replicas and a real PgBouncer, which its files start themselves. Kept out of
// `pnpm test` (it takes minutes and needs PostgreSQL's server binaries and pgbouncer); CI runs it once.
export default tesseraVitestConfig({ include: ['scale-out/**/*.test.ts'], globalSetup: [], testTimeout: 600_000 });
