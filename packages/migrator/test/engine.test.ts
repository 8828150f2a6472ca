import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/index.ts';
import { ALPHA_1, ALPHA_2, alphaBeta, BETA_1, sqlMigration } from './fixtures/contexts.ts';
import { journal, useEngineDatabase } from './fixtures/db.ts';

const db = useEngineDatabase();
const { run, tableExists } = db;

describe('MigrationEngine.up', () => {
  it('applies every migration of a fresh database in dependency order and records a checksum for each', async () => {
    const { beta } = alphaBeta();
    const events: EngineEvent[] = [];
    const applied = await run([beta], (e) => e.up(), { onEvent: (e) => events.push(e) });
    expect(applied.map((m) => m.name)).toEqual([ALPHA_1, BETA_1]);
    const rows = await journal(db.query);
    expect(rows.map((r) => [r.name, r.context])).toEqual([
      [ALPHA_1, 'alpha'],
      [BETA_1, 'beta'],
    ]);
    const sql = applied[0]?.statements.join('\n;\n') ?? '';
    expect(rows[0]?.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    expect(events.filter((e) => e.type === 'migration-done').map((e) => (e as { name: string }).name)).toEqual([
      ALPHA_1,
      BETA_1,
    ]);
    expect(await tableExists('beta.items')).toBe(true);
  });

  it('has nothing to do on a second run', async () => {
    const { beta } = alphaBeta();
    await run([beta], (e) => e.up());
    expect(await run([beta], (e) => e.up())).toEqual([]);
    expect(await journal(db.query)).toHaveLength(2);
  });

  it('applies a migration a dependency gained after its dependants were applied', async () => {
    await run([alphaBeta().beta], (e) => e.up());
    const { beta } = alphaBeta({
      alpha: { [ALPHA_2]: sqlMigration(['alter table "alpha"."things" add "note" text']) },
    });
    expect((await run([beta], (e) => e.up())).map((m) => m.name)).toEqual([ALPHA_2]);
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1, BETA_1, ALPHA_2]);
  });

  it('applies a migration merged out of order, and says so in the plan', async () => {
    const late = 'Migration20260401000000_beta_late';
    const early = 'Migration20260301000000_beta_early';
    await run([alphaBeta({ beta: { [late]: sqlMigration(['create table "beta"."late" (id int)']) } }).beta], (e) =>
      e.up(),
    );
    const { beta } = alphaBeta({
      beta: {
        [late]: sqlMigration(['create table "beta"."late" (id int)']),
        [early]: sqlMigration(['create table "beta"."early" (id int)']),
      },
    });
    const plan = await run([beta], (e) => e.plan());
    expect(plan.map((m) => [m.name, m.outOfOrder])).toEqual([[early, true]]);
    await run([beta], (e) => e.up());
    expect(await tableExists('beta.early')).toBe(true);
  });

  it('leaves the database at the last good migration when one fails, and names the migration and statement', async () => {
    const { beta } = alphaBeta({
      beta: {
        Migration20260401000000_beta_broken: sqlMigration([
          'create table "beta"."half" (id int)',
          'select * from "beta"."nope"',
        ]),
      },
    });
    const error = await run([beta], (e) => e.up()).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', migration: 'Migration20260401000000_beta_broken' });
    expect(String((error as Error).message)).toContain('select * from "beta"."nope"');
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1, BETA_1]);
    expect(await tableExists('beta.half')).toBe(false);
  });

  it('runs a non-transactional migration (CREATE INDEX CONCURRENTLY)', async () => {
    const concurrently = 'create index concurrently if not exists "ix_things_name" on "alpha"."things" ("name")';
    const failing = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration([concurrently]) } });
    await expect(run([failing.alpha], (e) => e.up())).rejects.toThrow(/cannot run inside a transaction block/);
    const { alpha } = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration([concurrently], [], { transactional: false }) } });
    await run([alpha], (e) => e.up());
    const [index] = await db.query(
      `select i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'ix_things_name'`,
    );
    expect(index?.indisvalid).toBe(true);
  });
});

describe('MigrationEngine.plan and status', () => {
  it('plan lists the pending migrations with their SQL and applies nothing', async () => {
    const plan = await run([alphaBeta().beta], (e) => e.plan());
    expect(plan.map((m) => m.name)).toEqual([ALPHA_1, BETA_1]);
    expect(plan[1]?.statements.join('\n')).toContain('create table "beta"."items"');
    expect(await tableExists('alpha.things')).toBe(false);
  });

  it('status reports applied and pending migrations per context', async () => {
    await run([alphaBeta().alpha], (e) => e.up());
    const status = await run([alphaBeta().beta], (e) => e.status());
    expect(status.map((s) => [s.context, s.applied.map((a) => a.name), s.pending])).toEqual([
      ['alpha', [ALPHA_1], []],
      ['beta', [], [BETA_1]],
    ]);
  });
});
