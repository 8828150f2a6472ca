import { cleanupStale } from './cleanup.ts';
import { startReplicatedServer } from './replica.ts';
import { startTestServer } from './server.ts';

/** vitest globalSetup: one PostgreSQL per test run, announced to workers and child processes via TESSERA_TEST_ADMIN_URL. */
export default async function setup(): Promise<() => Promise<void>> {
  // TESSERA_TEST_REPLICA=1: a primary with a streaming replica (PostgreSQL's server binaries with pg_basebackup);
  // test databases then get the replica configured for reads.
  const replicated = process.env.TESSERA_TEST_REPLICA === '1' ? await startReplicatedServer() : undefined;
  const server = replicated ?? (await startTestServer());
  process.env.TESSERA_TEST_ADMIN_URL = server.adminUrl;
  if (replicated) process.env.TESSERA_TEST_REPLICA_ADMIN_URL = replicated.replicaAdminUrl;
  try {
    await cleanupStale(server.adminUrl);
  } catch (error) {
    // Leftovers of killed runs cost disk space, not correctness: never fail a test run over them.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    console.warn(`[@tessera/test-server] cleanup of stale test databases/servers failed: ${reason}`);
  }
  return () => server.stop();
}
