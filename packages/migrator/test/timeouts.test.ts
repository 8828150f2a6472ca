import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineOptions } from '../src/index.ts';
import { ALPHA_1, ALPHA_2, alphaBeta, sqlMigration } from './fixtures/contexts.ts';
import { journal, useEngineDatabase } from './fixtures/db.ts';

const db = useEngineDatabase();
let blocker: pg.Client;
beforeEach(async () => {
  blocker = new pg.Client({ connectionString: db.url, application_name: 'a busy reader' });
  await blocker.connect();
});
afterEach(async () => {
  await blocker.end();
});

const { run } = db;

const fast = {
  settings: { lockTimeoutMs: 300, lockRetries: 2 },
  retryBackoff: { firstMs: 10, maxMs: 20 },
} satisfies Partial<EngineOptions>;

const addColumn = sqlMigration(['alter table "alpha"."things" add "note" text']);

/** Applies alpha's first migration, then opens a transaction on `blocker` that reads alpha.things and stays open. */
async function busyTable(): Promise<number> {
  await run([alphaBeta().alpha], (e) => e.up());
  await blocker.query('begin');
  await blocker.query('select count(*) from "alpha"."things"');
  return Number((await blocker.query('select pg_backend_pid() as pid')).rows[0]?.pid);
}

const indexValid = async (name: string) =>
  (
    await db.query(
      'select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = $1',
      [name],
    )
  )[0]?.valid;

describe('time-boxed migration statements', () => {
  it('gives up on a lock after the retries, naming the lock and the session that holds it', async () => {
    const readerPid = await busyTable();
    const events: EngineEvent[] = [];
    const { alpha } = alphaBeta({ alpha: { [ALPHA_2]: addColumn } });
    const error = await run([alpha], (e) => e.up(), { ...fast, onEvent: (e) => events.push(e) }).catch((e) => e);
    expect(error).toMatchObject({ code: 'MIGRATION_LOCK_WAIT_TIMEOUT', migration: ALPHA_2 });
    expect(error.wait.lock).toBe('AccessExclusiveLock on relation alpha.things');
    expect(error.wait.holders.map((h: { pid: number }) => h.pid)).toEqual([readerPid]);
    expect(error.message).toContain(`backend pid ${readerPid}, application "a busy reader"`);
    expect(events.filter((e) => e.type === 'lock-retry')).toHaveLength(2);
    // Nothing of the migration stayed, and the reader was never blocked for longer than one lock_timeout.
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1]);
  });

  it('retries a statement that hit its lock_timeout and succeeds once the lock is free', async () => {
    await busyTable();
    const { alpha } = alphaBeta({ alpha: { [ALPHA_2]: addColumn } });
    const applied = await run([alpha], (e) => e.up(), {
      ...fast,
      onEvent: (e) => {
        // The reader finishes while the migration backs off after its first timeout.
        if (e.type === 'lock-retry') void blocker.query('commit');
      },
    });
    expect(applied.map((m) => m.name)).toEqual([ALPHA_2]);
  });

  it('runs a transactional migration under statement_timeout', async () => {
    await run([alphaBeta().alpha], (e) => e.up());
    const { alpha } = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration(['select pg_sleep(600)']) } });
    const error = await run([alpha], (e) => e.up(), { settings: { statementTimeoutMs: 300 } }).catch((e) => e);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', migration: ALPHA_2 });
    expect(error.message).toContain('canceling statement due to statement timeout');
  });

  it('leaves no lock_timeout, statement_timeout or lock on the session after a run', async () => {
    const { alpha } = alphaBeta({ alpha: { [ALPHA_2]: addColumn } });
    await run([alpha], async (e) => {
      await e.up();
      const { rows } = await e.connection.query(
        `select current_setting('lock_timeout') as lock, current_setting('statement_timeout') as statement,
                (select count(*)::int from pg_locks where pid = pg_backend_pid() and locktype = 'advisory') as locks`,
      );
      expect(rows[0]).toEqual({ lock: '0', statement: '0', locks: 0 });
    });
  });
});

describe('invalid indexes left by a failed concurrent build', () => {
  const uniqueName = sqlMigration(
    ['create unique index concurrently if not exists "ux_things_name" on "alpha"."things" ("name")'],
    [],
    { transactional: false },
  );

  it('are reported by status and rebuilt by the next migrate', async () => {
    await run([alphaBeta().alpha], (e) => e.up());
    await db.query(`insert into alpha.things (id, name) values
      ('00000000-0000-7000-8000-000000000001', 'twin'), ('00000000-0000-7000-8000-000000000002', 'twin')`);
    const { alpha } = alphaBeta({ alpha: { [ALPHA_2]: uniqueName } });
    await expect(run([alpha], (e) => e.up())).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(await indexValid('ux_things_name')).toBe(false);

    const [status] = await run([alpha], (e) => e.status());
    expect(status?.invalidIndexes).toEqual(['alpha.ux_things_name on things']);
    expect(status?.pending).toEqual([ALPHA_2]);

    // A person fixes the data; the next migrate rebuilds the index (IF NOT EXISTS alone would keep it invalid).
    await db.query(`delete from alpha.things where id = '00000000-0000-7000-8000-000000000002'`);
    const events: EngineEvent[] = [];
    await run([alpha], (e) => e.up(), { onEvent: (e) => events.push(e) });
    expect(events).toContainEqual({
      type: 'index-repaired',
      index: 'alpha.ux_things_name',
      statement: 'reindex index concurrently "alpha"."ux_things_name"',
    });
    expect(await indexValid('ux_things_name')).toBe(true);
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1, ALPHA_2]);
    const [after] = await run([alpha], (e) => e.status());
    expect(after?.invalidIndexes).toEqual([]);
  });

  it('a concurrent build that timed out on its lock is dropped and built again on the retry', async () => {
    await busyTable();
    await blocker.query(`insert into alpha.things (id, name) values ('00000000-0000-7000-8000-000000000003', 'x')`);
    const { alpha } = alphaBeta({
      alpha: {
        [ALPHA_2]: sqlMigration(
          ['create index concurrently if not exists "ix_things_name" on "alpha"."things" ("name")'],
          [],
          {
            transactional: false,
          },
        ),
      },
    });
    await run([alpha], (e) => e.up(), {
      ...fast,
      onEvent: (e) => {
        if (e.type === 'lock-retry') void blocker.query('commit');
      },
    });
    expect(await indexValid('ix_things_name')).toBe(true);
  });
});
