import { cleanupStale } from './cleanup.ts';
import { startTestServer } from './server.ts';

/** vitest globalSetup: one PostgreSQL per test run, announced to workers and child processes via TESSERA_TEST_ADMIN_URL. */
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
  return () => server.stop();
}
