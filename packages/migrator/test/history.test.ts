import { describe, expect, it } from 'vitest';
import { MigrationChecksumError, UnknownMigrationError } from '../src/index.ts';
import { ALPHA_1, ALPHA_2, alphaBeta, BETA_1, sqlMigration } from './fixtures/contexts.ts';
import { journal, useEngineDatabase } from './fixtures/db.ts';

const db = useEngineDatabase();
const { run, tableExists } = db;
const addNote = sqlMigration(
  ['alter table "alpha"."things" add "note" text'],
  ['alter table "alpha"."things" drop "note"'],
);

describe('checksums of applied migrations', () => {
  it('refuses to run when an applied migration was edited, naming it, and applies nothing', async () => {
    await run([alphaBeta().alpha], (e) => e.up());
    const edited = alphaBeta({ alpha: { [ALPHA_2]: addNote } });
    const tampered = {
      ...edited.alpha,
      migrations: edited.alpha.migrations.map((m) =>
        m.name === ALPHA_1
          ? {
              ...m,
              class: sqlMigration(['create schema if not exists "alpha"', 'create table "alpha"."things" (id uuid)']),
            }
          : m,
      ),
    };
    const error = await run([tampered], (e) => e.up()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrationChecksumError);
    expect((error as MigrationChecksumError).migration).toBe(ALPHA_1);
    expect((error as Error).message).toMatch(/was edited after it was applied/);
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1]);
    const status = await run([tampered], (e) => e.status());
    expect(status[0]?.edited).toEqual([ALPHA_1]);
  });

  it('refuses to run when an applied migration of a composed context is missing from the code', async () => {
    await run([alphaBeta({ alpha: { [ALPHA_2]: addNote } }).alpha], (e) => e.up());
    await expect(run([alphaBeta().alpha], (e) => e.up())).rejects.toThrow(UnknownMigrationError);
  });

  it('ignores applied migrations of contexts outside the composition', async () => {
    await run([alphaBeta().beta], (e) => e.up());
    expect(await run([alphaBeta().alpha], (e) => e.up())).toEqual([]);
  });
});

describe('MigrationEngine.down', () => {
  it('reverts the last migration by default', async () => {
    const { beta } = alphaBeta({ alpha: { [ALPHA_2]: addNote } });
    await run([beta], (e) => e.up());
    expect(await run([beta], (e) => e.down())).toEqual([ALPHA_2]);
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1, BETA_1]);
    const columns = await db.query(
      `select column_name from information_schema.columns where table_schema = 'alpha' and table_name = 'things'`,
    );
    expect(columns.map((c) => c.column_name)).not.toContain('note');
  });

  it('reverts everything applied after --to, newest first', async () => {
    const { beta } = alphaBeta({ alpha: { [ALPHA_2]: addNote } });
    await run([beta], (e) => e.up());
    expect(await run([beta], (e) => e.down({ to: ALPHA_1 }))).toEqual([ALPHA_2, BETA_1]);
    expect(await tableExists('beta.items')).toBe(false);
    expect(await tableExists('alpha.things')).toBe(true);
  });

  it('reverts to nothing with --to 0, and migrates up again', async () => {
    const { beta } = alphaBeta();
    await run([beta], (e) => e.up());
    await run([beta], (e) => e.down({ to: '0' }));
    expect(await journal(db.query)).toEqual([]);
    expect(await tableExists('alpha.things')).toBe(false);
    expect((await run([beta], (e) => e.up())).map((m) => m.name)).toEqual([ALPHA_1, BETA_1]);
  });

  it('rejects a target that is not applied', async () => {
    await run([alphaBeta().alpha], (e) => e.up());
    await expect(run([alphaBeta().alpha], (e) => e.down({ to: 'Migration20990101000000_alpha_x' }))).rejects.toThrow(
      /no applied migration has that name/,
    );
  });
});
