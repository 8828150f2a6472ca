import { cleanupStale } from './cleanup.ts';
import { startTestServer } from './server.ts';

/**
 * vitest globalSetup: one PostgreSQL per test run, announced to workers and child processes via TESSERA_TEST_ADMIN_URL.
 * Add it with the `tessera()` plugin of `@tessera/testing/vitest`.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const server = await startTestServer();
  process.env.TESSERA_TEST_ADMIN_URL = server.adminUrl;
  try {
    await cleanupStale(server.adminUrl);
  } catch (error) {
    // Leftovers of killed runs cost disk space, not correctness: never fail a test run over them.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    console.warn(`[@tessera/test-server] cleanup of stale test databases/servers failed: ${reason}`);
  }
  return async () => {
    // Clones of workers that died mid-file, and (with TESSERA_TEST_TEMPLATE_TTL_DAYS=0) this prefix's templates:
    // what a run leaves on a shared server is only the cache it was asked to keep.
    await cleanupStale(server.adminUrl).catch(() => {});
    await server.stop();
  };
}
