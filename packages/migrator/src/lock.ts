import pg from 'pg';
import { MigrationLockTimeoutError } from './errors.ts';

/**
 * The advisory lock key of a migration run ("tessera" + "migrate" as two int4 halves). Advisory locks are
 * scoped to the database, so runs against different databases on one server never block each other.
 */
const KEY = [0x74657373, 0x6d696772] as const;

/** A held session-level advisory lock. Release it, or let the process die: the server frees it either way. */
export interface MigrationLock {
  release(): Promise<void>;
  /** Throws if the lock's connection was lost (the lock is then no longer held). */
  assertHeld(): void;
}

/**
 * Takes the migration lock on a dedicated connection and holds it for the whole run. A session-level lock
 * (not a transaction-level one) is what lets each migration commit on its own while the run stays exclusive.
 */
export async function acquireMigrationLock(
  url: string,
  options: { timeoutMs: number; onWait?: (holderPid: number | undefined) => void },
): Promise<MigrationLock> {
  const client = new pg.Client({ connectionString: url, application_name: 'tessera-migrate-lock' });
  let lost: Error | undefined;
  client.on('error', (err) => {
    lost = err;
  });
  await client.connect();
  try {
    const tried = await client.query('select pg_try_advisory_lock($1, $2) as ok', [...KEY]);
    if (!tried.rows[0]?.ok) {
      const holder = await client.query(
        `select pid from pg_locks where locktype = 'advisory' and classid = $1::int::oid and objid = $2::int::oid
           and database = (select oid from pg_database where datname = current_database()) and granted limit 1`,
        [...KEY],
      );
      const holderPid = holder.rows[0]?.pid as number | undefined;
      options.onWait?.(holderPid);
      await client.query(`set lock_timeout = ${Math.max(1, Math.floor(options.timeoutMs))}`);
      try {
        await client.query('select pg_advisory_lock($1, $2)', [...KEY]);
      } catch (err) {
        if ((err as { code?: string }).code === '55P03')
          throw new MigrationLockTimeoutError(options.timeoutMs, holderPid);
        throw err;
      }
      await client.query('reset lock_timeout');
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    assertHeld() {
      if (lost) throw new Error(`the migration lock's connection was lost: ${lost.message}`);
    },
    async release() {
      try {
        if (!lost) await client.query('select pg_advisory_unlock($1, $2)', [...KEY]);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}
