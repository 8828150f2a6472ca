import { sleep, withClient } from './admin.ts';

/**
 * The replica admin URL the global setup published (`TESSERA_TEST_REPLICA=1` starts a primary with a streaming
 * replica), or undefined when this run has no replica.
 */
export function testReplicaAdminUrl(): string | undefined {
  return process.env.TESSERA_TEST_REPLICA_ADMIN_URL || undefined;
}

/** `url` (a database on the test server) pointed at the same database on this run's replica, if any. */
export function testReplicaUrl(url: string): string | undefined {
  const admin = testReplicaAdminUrl();
  if (!admin) return undefined;
  const u = new URL(url);
  u.port = new URL(admin).port;
  return u.toString();
}

/** Waits until this run's replica has replayed everything the primary (`primaryUrl`) had written; no-op without one. */
export async function waitForTestReplica(primaryUrl: string): Promise<void> {
  const admin = testReplicaAdminUrl();
  if (admin) await waitForReplay(primaryUrl, admin);
}

/** Waits until the replica at `replicaUrl` has replayed everything the primary at `primaryUrl` had written. */
export async function waitForReplay(primaryUrl: string, replicaUrl: string): Promise<void> {
  // The insert position, not the write position: with asynchronous commit a commit record can still be in the
  // WAL buffers, past pg_current_wal_lsn(), and waiting only for the latter read a row as not yet there.
  const target = await withClient(primaryUrl, async (c) => {
    const { rows } = await c.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
    return rows[0]?.lsn;
  });
  await withClient(replicaUrl, async (c) => {
    for (;;) {
      const { rows } = await c.query<{ done: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [
        target,
      ]);
      if (rows[0]?.done) return;
      await sleep(10);
    }
  });
}

/** `url` (a database on the test server) through this run's PgBouncer (`TESSERA_TEST_POOLER=pgbouncer`), if any. */
export function testPoolerUrl(url: string): string | undefined {
  const pooler = process.env.TESSERA_TEST_POOLER_URL;
  if (!pooler) return undefined;
  const u = new URL(url);
  const p = new URL(pooler);
  u.hostname = p.hostname;
  u.port = p.port;
  return u.toString();
}
