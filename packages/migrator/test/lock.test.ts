import { composeContexts } from '@tessera/kernel';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../src/index.ts';
import { CIC, cicContexts } from './fixtures/contexts.ts';
import { journal, useEngineDatabase } from './fixtures/db.ts';
import { startEngine } from './fixtures/spawn.ts';

const db = useEngineDatabase();

/** Resolves once `sql` returns a row with `ok` true (a state another session reaches). */
async function until(sql: string, params: unknown[] = []): Promise<void> {
  for (;;) {
    const [row] = await db.query(sql, params);
    if (row?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the migration lock', () => {
  it('lets a run wait while the holder builds an index concurrently: both exit 0 and the index is valid', async () => {
    // The table and its 20,000 rows exist before the race; only the concurrent index is left to apply.
    const engine = await MigrationEngine.create({
      composition: composeContexts([cicContexts({ withIndex: false }).beta]),
      url: db.url,
    });
    await engine.up().finally(() => engine.close());

    // Holds the index build of run A in its first wait, so run B is certainly waiting for the lock before A's
    // build goes on to wait for older transactions (where B's wait, if it were a transaction, deadlocks A).
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    const env = { TESSERA_MIGRATION_LOCK_TIMEOUT: '120s' };
    try {
      await blocker.query('begin');
      await blocker.query('lock table "alpha"."things" in row exclusive mode');
      const a = startEngine(db.url, 'cic', env);
      await until(
        `select exists (select 1 from pg_stat_activity where datname = current_database()
            and query ilike 'create index concurrently%' and wait_event_type = 'Lock') as ok`,
      );
      const b = startEngine(db.url, 'cic', env);
      await b.line('"type":"lock-waiting"');
      await blocker.query('commit');

      const [resultA, resultB] = await Promise.all([a.done, b.done]);
      expect(resultA.code, resultA.out).toBe(0);
      expect(resultB.code, resultB.out).toBe(0);
    } finally {
      await blocker.end();
    }
    const [index] = await db.query(
      `select i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'ix_things_name'`,
    );
    expect(index?.indisvalid).toBe(true);
    expect((await journal(db.query)).filter((r) => r.name === CIC)).toHaveLength(1);
  });

  it('holds no transaction open while waiting, and times out naming the session that holds the lock', async () => {
    // Another run, as the server sees it: a session holding the migration lock.
    const other = new pg.Client({ connectionString: db.url, application_name: 'the other run' });
    await other.connect();
    const waiting = Promise.withResolvers<void>();
    const waiter = await MigrationEngine.create({
      composition: composeContexts([cicContexts({ withIndex: false }).beta]),
      url: db.url,
      lockTimeoutMs: 2_000,
      lockPoll: { firstMs: 20, maxMs: 100 },
      onEvent: (e) => {
        if (e.type === 'lock-waiting') waiting.resolve();
      },
    });
    try {
      const otherPid = Number((await other.query('select pg_backend_pid() as pid')).rows[0]?.pid);
      await other.query('select pg_advisory_lock($1, $2)', [0x74657373, 0x6d696772]);
      const run = waiter.up().catch((e: unknown) => e);
      await waiting.promise;
      // A waiter blocked in pg_advisory_lock would show as a statement waiting on a Lock, inside a transaction.
      for (let i = 0; i < 5; i++) {
        const rows = await db.query(
          `select state, wait_event_type from pg_stat_activity
            where datname = current_database() and application_name = 'tessera-migrate'`,
        );
        expect(rows).toHaveLength(1);
        expect(rows[0]?.wait_event_type).not.toBe('Lock');
        expect(rows[0]?.state).not.toMatch(/in transaction/);
      }
      const error = await run;
      expect(error).toMatchObject({ code: 'MIGRATION_LOCK_TIMEOUT', holder: { pid: otherPid } });
      expect(String((error as Error).message)).toContain('application "the other run"');
      expect((await db.query(`select to_regclass('alpha.things') is null as ok`))[0]?.ok).toBe(true);
    } finally {
      await waiter.close();
      await other.end();
    }
  });
});
