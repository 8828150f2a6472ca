import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import { MigrationLockTimeoutError } from './errors.ts';
import { type LockHolder, toHolder } from './holders.ts';
import { MIGRATION_LOCK_KEY } from './session-light.ts';

const KEY = MIGRATION_LOCK_KEY;

/** How a waiting run polls: first pause, the ceiling it doubles up to, and the jitter (a fraction of the pause). */
export interface PollOptions {
  readonly firstMs?: number;
  readonly maxMs?: number;
  readonly jitter?: number;
}

/** The pause before poll number `attempt` (0-based): doubling from `firstMs` to `maxMs`, randomly spread ±jitter. */
export function backoffMs(attempt: number, options: PollOptions = {}): number {
  const first = options.firstMs ?? 50;
  const max = options.maxMs ?? 2_000;
  const jitter = options.jitter ?? 0.5;
  const base = Math.min(max, first * 2 ** Math.min(attempt, 30));
  return Math.max(1, Math.round(base * (1 - jitter + Math.random() * 2 * jitter)));
}

/** The session holding the migration lock of this database, if any (and if this role may see it). */
export async function migrationLockHolder(client: pg.ClientBase): Promise<LockHolder | undefined> {
  const { rows } = await client.query(
    `select a.pid, a.application_name, a.client_addr::text as client_addr, a.state,
            coalesce(a.xact_start, a.backend_start) as since, a.query
       from pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.classid = $1::int::oid and l.objid = $2::int::oid and l.objsubid = 2
        and l.database = (select oid from pg_database where datname = current_database()) and l.granted
      limit 1`,
    [...KEY],
  );
  return rows[0] ? toHolder(rows[0]) : undefined;
}

/**
 * Takes the session-level migration lock on `client`, waiting up to `timeoutMs` for another run to finish.
 * A session-level lock (not a transaction-level one) is what lets each migration commit on its own while the
 * run stays exclusive; if the process dies, the server drops the session and with it the lock.
 *
 * A waiting run polls `pg_try_advisory_lock` with jittered backoff instead of blocking in `pg_advisory_lock`:
 * a blocked call is an open transaction, and `CREATE INDEX CONCURRENTLY` in the holder's run waits for every
 * open transaction, which deadlocks the two runs. Between polls the waiting session is idle, outside any
 * transaction. Returns the backend pid that holds the lock.
 */
export async function acquireMigrationLock(
  client: pg.ClientBase,
  options: { timeoutMs: number; onWait?: (holder: LockHolder | undefined) => void; poll?: PollOptions },
): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let holder: LockHolder | undefined;
  for (let attempt = 0; ; attempt++) {
    const tried = await client.query('select pg_try_advisory_lock($1, $2) as ok, pg_backend_pid() as pid', [...KEY]);
    if (tried.rows[0]?.ok) return Number(tried.rows[0].pid);
    if (attempt === 0 || attempt % 10 === 0) {
      holder = (await migrationLockHolder(client)) ?? holder;
      if (attempt === 0) options.onWait?.(holder);
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      holder = (await migrationLockHolder(client)) ?? holder;
      throw new MigrationLockTimeoutError(options.timeoutMs, holder);
    }
    await delay(Math.min(left, backoffMs(attempt, options.poll)));
  }
}

/** Releases the migration lock held by `client`'s session. */
export async function releaseMigrationLock(client: pg.ClientBase): Promise<void> {
  await client.query('select pg_advisory_unlock($1, $2)', [...KEY]);
}
