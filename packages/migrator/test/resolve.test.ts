import { describe, expect, it } from 'vitest';
import { MigrationNeedsResolveError } from '../src/index.ts';
import { ALPHA_1, ALPHA_2, alphaBeta, sqlMigration } from './fixtures/contexts.ts';
import { journal, useEngineDatabase } from './fixtures/db.ts';

const db = useEngineDatabase();
const { run } = db;

// Non-transactional, and its second statement fails while the first has taken effect.
const halfDone = alphaBeta({
  alpha: {
    [ALPHA_2]: sqlMigration(
      ['alter table "alpha"."things" add column if not exists "note" text', 'select * from "alpha"."nope"'],
      [],
      { transactional: false },
    ),
  },
}).alpha;

describe('a non-transactional migration that failed part-way', () => {
  it('is recorded, blocks the next migrate by name, and is marked applied by resolve', async () => {
    await expect(run([halfDone], (e) => e.up())).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    const [status] = await run([halfDone], (e) => e.status());
    expect(status?.failed).toMatchObject([
      { name: ALPHA_2, statementsDone: 1, statementsTotal: 2, statement: 'select * from "alpha"."nope"' },
    ]);

    const blocked = await run([halfDone], (e) => e.up()).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(MigrationNeedsResolveError);
    expect((blocked as Error).message).toContain(`tessera resolve ${ALPHA_2} --applied`);

    expect(await run([halfDone], (e) => e.resolve(ALPHA_2, 'applied'))).toEqual({
      migration: ALPHA_2,
      context: 'alpha',
    });
    expect(await run([halfDone], (e) => e.up())).toEqual([]);
    const history = await run([halfDone], (e) => e.history());
    expect(history.map((h) => [h.name, h.resolution])).toEqual([
      [ALPHA_1, null],
      [ALPHA_2, 'resolved as applied'],
    ]);
    expect((await run([halfDone], (e) => e.status()))[0]?.failed).toEqual([]);
  });

  it('runs again after resolve --rolled-back', async () => {
    await expect(run([halfDone], (e) => e.up())).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    await run([halfDone], (e) => e.resolve(ALPHA_2, 'rolled-back'));
    // The person also fixed the migration's code before running it again.
    const fixed = alphaBeta({
      alpha: {
        [ALPHA_2]: sqlMigration(['alter table "alpha"."things" add column if not exists "note" text'], [], {
          transactional: false,
        }),
      },
    }).alpha;
    expect((await run([fixed], (e) => e.up())).map((m) => m.name)).toEqual([ALPHA_2]);
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1, ALPHA_2]);
  });

  it('resolve refuses unknown names and migrations that did not fail', async () => {
    await run([halfDone], (e) => e.plan());
    await expect(run([halfDone], (e) => e.resolve('Migration20990101000000_nope', 'applied'))).rejects.toMatchObject({
      code: 'MIGRATION_RESOLVE',
      message: expect.stringContaining('no migration of that name'),
    });
    await expect(run([halfDone], (e) => e.resolve(ALPHA_2, 'applied'))).rejects.toMatchObject({
      code: 'MIGRATION_RESOLVE',
      message: expect.stringContaining('no failure of it is recorded'),
    });
  });
});

describe('the journal of an older version', () => {
  it('is read as it is and upgraded by the next run (resolution column, failures table)', async () => {
    // The journal as the previous version of the engine created it.
    await db.query(`create schema tessera;
      create table tessera.migrations (
        id bigint generated always as identity primary key, name text not null unique, context text not null,
        checksum char(64) not null, transactional boolean not null,
        applied_at timestamptz not null default clock_timestamp(), execution_ms integer not null)`);
    const { alpha } = alphaBeta();
    const [status] = await run([alpha], (e) => e.status());
    expect(status?.pending).toEqual([ALPHA_1]);
    await run([alpha], (e) => e.up());
    const history = await run([alpha], (e) => e.history());
    expect(history.map((h) => [h.name, h.resolution, typeof h.executionMs])).toEqual([[ALPHA_1, null, 'number']]);
    const [upgraded] = await db.query(`select to_regclass('tessera.migration_failures') is not null as ok`);
    expect(upgraded?.ok).toBe(true);
  });
});
