import { describe, expect, it } from 'vitest';
import {
  inTransaction,
  newId,
  sql,
  sqlBatch,
  sqlResult,
  statementName,
  swapSettings,
  UniqueViolationError,
} from '../src/index.ts';
import { useKernelDatabase } from './support/database.ts';

const db = useKernelDatabase();
const addTeam = (name: string) => ({
  name: 'kernel-test.add-team',
  text: `insert into kt.teams (id, name, kind) values ($1, $2, 'club') returning name`,
  values: [newId(), name],
});

describe('the SQL path', () => {
  it('binds values (never inlines them) and reuses a named statement', async () => {
    const tricky = "O'Brien'); drop table kt.teams; --";
    expect(await sql(db.em(), addTeam(tricky.slice(0, 20)))).toEqual([{ name: tricky.slice(0, 20) }]);
    expect(await sql(db.em(), addTeam('Second'))).toEqual([{ name: 'Second' }]);
    expect(
      await db.query(`select count(*)::int as n from kt.teams where name in ($1, 'Second')`, [tricky.slice(0, 20)]),
    ).toEqual([{ n: 2 }]);
  });

  it('returns the affected-row count of an update', async () => {
    await sql(db.em(), addTeam('Counted'));
    const result = await sqlResult(db.em(), {
      text: `update kt.teams set size = size + 1 where name = $1`,
      values: ['Counted'],
    });
    expect(result).toEqual({ rows: [], rowCount: 1 });
  });

  it("runs inside the caller's transaction: its rows are seen there and rolled back with it", async () => {
    const em = db.em();
    expect(inTransaction(em)).toBe(false);
    await expect(
      em.transactional(async (tx) => {
        expect(inTransaction(tx)).toBe(true);
        await sql(tx, addTeam('Rolled back'));
        expect(
          await sql(tx, { text: `select name from kt.teams where name = $1`, values: ['Rolled back'] }),
        ).toHaveLength(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.query(`select name from kt.teams where name = 'Rolled back'`)).toEqual([]);
  });

  it('turns a constraint error into the typed error naming the entity and field', async () => {
    await sql(db.em(), addTeam('Twice'));
    await expect(sql(db.em(), addTeam('Twice'))).rejects.toMatchObject({
      constructor: UniqueViolationError,
      entity: 'Team',
      fields: ['name'],
    });
  });

  it('sqlBatch: one round trip, all or nothing outside a transaction', async () => {
    const rows = await sqlBatch(db.em(), [
      addTeam('Batch A'),
      { text: `select count(*)::int as n from kt.teams where name = $1`, values: ['Batch A'] },
    ]);
    expect(rows).toEqual([[{ name: 'Batch A' }], [{ n: 1 }]]);
    await expect(sqlBatch(db.em(), [addTeam('Batch B'), addTeam('Batch A')])).rejects.toBeInstanceOf(
      UniqueViolationError,
    );
    expect(await db.query(`select name from kt.teams where name = 'Batch B'`)).toEqual([]);
  });

  it('sqlBatch settings hold for the batch only, also inside a transaction, where the previous value comes back', async () => {
    const read = { text: `select current_setting('tessera_test.who', true) as who` };
    expect(await sqlBatch(db.em(), [read], { settings: { 'tessera_test.who': 'batch' } })).toEqual([
      [{ who: 'batch' }],
    ]);
    await db.em().transactional(async (tx) => {
      await sql(tx, { text: `select set_config('tessera_test.who', 'caller', true)` });
      expect(await sqlBatch(tx, [read], { settings: { 'tessera_test.who': 'inner' } })).toEqual([[{ who: 'inner' }]]);
      expect(await sql(tx, read)).toEqual([{ who: 'caller' }]);
    });
  });

  it('a named statement run again on its connection returns the same typed columns, with rows or without', async () => {
    const byName = (name: string) => ({
      name: 'kernel-test.team-by-name',
      text: `select id, name, size, founded from kt.teams where name = $1`,
      values: [name],
    });
    await sql(db.em(), addTeam('Described'));
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await sql<Record<string, unknown>>(db.em(), byName('Described')));
    for (const [row] of runs) {
      // size is a smallint: parsed to a number on every run, so each run had the columns' types.
      expect(row).toMatchObject({ name: 'Described', size: 1, founded: null });
      expect(Object.keys(row ?? {})).toEqual(['id', 'name', 'size', 'founded']);
    }
    // No rows, then rows again, in a batch after another statement.
    expect(await sql(db.em(), byName('Nobody'))).toEqual([]);
    const [fresh, kept] = await sqlBatch(db.em(), [{ text: `select 1 as one` }, byName('Described')]);
    expect(fresh).toEqual([{ one: 1 }]);
    expect(kept?.[0]).toMatchObject({ name: 'Described' });
  });

  it('named statements run again keep each result in its place in a batch, with settings and in a transaction', async () => {
    const byName = (name: string) => ({
      name: 'kernel-test.team-by-name',
      text: `select id, name, size, founded from kt.teams where name = $1`,
      values: [name],
    });
    const tally = {
      name: 'kernel-test.team-tally',
      text: `select count(*)::int as n, $1::jsonb as echo, current_setting('kernel_test.who') as who from kt.teams where name = 'Kept'`,
      values: [{ a: [1, 2] }],
    };
    await sql(db.em(), addTeam('Kept'));
    const check = (results: unknown[][]) => {
      const [none, one, counted] = results as Record<string, unknown>[][];
      expect(none).toEqual([]);
      expect(one).toEqual([{ id: expect.any(String), name: 'Kept', size: 1, founded: null }]);
      expect(counted).toEqual([{ n: 1, echo: { a: [1, 2] }, who: 'tester' }]);
    };
    const batch = [byName('Nobody'), byName('Kept'), tally];
    const settings = { 'kernel_test.who': 'tester' };
    for (let i = 0; i < 4; i++) check(await sqlBatch(db.em(), batch, { settings }));
    await db.em().transactional(async (tx) => {
      for (let i = 0; i < 3; i++) check(await sqlBatch(tx, batch, { settings }));
    });
  });

  it("after a schema change alters a named statement's columns, the next call returns them", async () => {
    const all = { name: 'kernel-test.team-star', text: `select * from kt.teams where name = $1`, values: ['Altered'] };
    await sql(db.em(), addTeam('Altered'));
    expect(Object.keys((await sql(db.em(), all))[0] ?? {})).not.toContain('nickname');
    await db.query(`alter table kt.teams add column nickname text not null default 'onwards'`);
    const outcome = await sql(db.em(), all).then(
      (rows) => rows,
      (error: unknown) => error,
    );
    // Whether this call fails depends on whether the server still holds the statement planned for the old columns
    // on this connection (PostgreSQL then refuses it: 0A000); either way no row comes back in the old shape.
    if (Array.isArray(outcome)) expect(outcome[0]).toMatchObject({ nickname: 'onwards' });
    else expect(outcome).toMatchObject({ code: '0A000' });
    expect((await sql(db.em(), all))[0]).toMatchObject({ name: 'Altered', nickname: 'onwards' });
  });

  it('a value pg cannot send fails that call alone: nothing of its batch runs, and the connection serves the next', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (let i = 0; i < 3; i++) {
      await expect(
        sqlBatch(db.em(), [addTeam('Never'), { text: 'select $1::jsonb as j', values: [circular] }]),
      ).rejects.toThrow(/circular/i);
    }
    expect(await db.query(`select name from kt.teams where name = 'Never'`)).toEqual([]);
    expect(await sql(db.em(), { text: 'select $1::int as n', values: [7] })).toEqual([{ n: 7 }]);
  });

  it('swapSettings sets settings for the rest of a transaction and returns the previous ones, which set back', async () => {
    const read = { text: `select current_setting('tessera_test.who', true) as who, current_setting('role') as role` };
    await db.em().transactional(async (tx) => {
      await sql(tx, { text: `select set_config('tessera_test.who', 'caller', true)` });
      const previous = await swapSettings(tx, { 'tessera_test.who': 'worker', role: 'pg_read_all_stats' });
      expect(previous).toEqual({ 'tessera_test.who': 'caller', role: 'none' });
      expect(await sql(tx, read)).toEqual([{ who: 'worker', role: 'pg_read_all_stats' }]);
      expect(await swapSettings(tx, previous)).toEqual({ 'tessera_test.who': 'worker', role: 'pg_read_all_stats' });
      expect(await sql(tx, read)).toEqual([{ who: 'caller', role: 'none' }]);
    });
  });

  it('statementName gives the same text the same name, and a new text a new one', () => {
    const a = statementName('kernel-test', 'select 1');
    expect(statementName('kernel-test', 'select 1')).toBe(a);
    expect(statementName('kernel-test', 'select 2')).not.toBe(a);
  });
});
