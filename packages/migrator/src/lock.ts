import type pg from 'pg';
import { MigrationLockTimeoutError } from './errors.ts';

/**
 * The advisory lock key of a migration run ("tessera" + "migrate" as two int4 halves). Advisory locks are
 * scoped to the database, so runs against different databases on one server never block each other.
 */
const KEY = [0x74657373, 0x6d696772] as const;

/**
 * Takes the session-level migration lock on `client`, waiting up to `timeoutMs` for another run to finish.
 * A session-level lock (not a transaction-level one) is what lets each migration commit on its own while
 * the run stays exclusive; if the process dies, the server drops the session and with it the lock.
 */
export async function acquireMigrationLock(
  client: pg.ClientBase,
  options: { timeoutMs: number; onWait?: (holderPid: number | undefined) => void },
): Promise<void> {
  const tried = await client.query('select pg_try_advisory_lock($1, $2) as ok', [...KEY]);
  if (tried.rows[0]?.ok) return;
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
    if ((err as { code?: string }).code === '55P03') throw new MigrationLockTimeoutError(options.timeoutMs, holderPid);
    throw err;
  } finally {
    await client.query('reset lock_timeout');
  }
}

/** Releases the migration lock held by `client`'s session. */
export async function releaseMigrationLock(client: pg.ClientBase): Promise<void> {
  await client.query('select pg_advisory_unlock($1, $2)', [...KEY]);
}
