import type { TestDatabase } from '@tessera/testing';

/**
 * Waits until some session of this database is blocked on a lock, so a test can release the lock knowing
 * the other statement is already waiting (a deterministic race, not a sleep). Gives up after 200 polls.
 */
export async function waitForLockWaiter(db: TestDatabase): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await db.query(
      `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no session started waiting on a lock');
}
