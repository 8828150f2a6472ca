import { composeContexts } from '@tessera/kernel';
import { describe, expect, it } from 'vitest';
import {
  checkObjectDrift,
  DriftScratchError,
  MigrationEngine,
  MigrationFailedError,
  SCRATCH_PREFIX,
} from '../src/index.ts';
import { ALPHA_2, alphaBeta, sqlMigration } from './fixtures/contexts.ts';
import { useEngineDatabase } from './fixtures/db.ts';

const db = useEngineDatabase();

// alpha's second migration creates in raw SQL what the ORM comparator does not look at.
const RAW = [
  'create index "ix_things_lower_name" on "alpha"."things" (lower("name"))',
  'grant select on "alpha"."things" to public',
  'alter table "alpha"."things" enable row level security',
  `create policy "things_named" on "alpha"."things" using ("name" <> '')`,
  'create table "alpha"."events" ("id" bigint not null, "created_at" timestamptz not null, primary key ("id", "created_at")) partition by range ("created_at")',
  'create table "alpha"."events_default" partition of "alpha"."events" default',
  'create materialized view "alpha"."thing_stats" as select "name", count(*) as "n" from "alpha"."things" group by "name"',
  'create unique index "ux_thing_stats_name" on "alpha"."thing_stats" ("name")',
  `create function "alpha"."touch"() returns trigger language plpgsql as $$ begin return new; end $$`,
  'create trigger "tg_things_touch" before update on "alpha"."things" for each row execute function "alpha"."touch"()',
];
const { alpha } = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration(RAW) } });
const composition = composeContexts([alpha]);

async function migrate(target = composition) {
  const engine = await MigrationEngine.create({ composition: target, url: db.url });
  try {
    await engine.up();
  } finally {
    await engine.close();
  }
}

const messages = async () => (await checkObjectDrift(composition, db.url)).map((d) => d.message);
// This process' scratch databases only: other test files (other processes) check drift on the same server too.
const scratchDatabases = async () =>
  (
    await db.query(`select datname from pg_database where datname like $1`, [`${SCRATCH_PREFIX}%\\_${process.pid}\\_%`])
  ).map((r) => r.datname as string);

describe('checkObjectDrift', () => {
  it('finds nothing on a database the migrations built', async () => {
    await migrate();
    expect(await messages()).toEqual([]);
  });

  it('names a dropped expression index', async () => {
    await migrate();
    await db.query('drop index alpha.ix_things_lower_name');
    expect(await messages()).toEqual(['index alpha.ix_things_lower_name is missing']);
  });

  it('names a revoked grant', async () => {
    await migrate();
    await db.query('revoke select on alpha.things from public');
    expect(await messages()).toEqual(['grant SELECT on alpha.things to PUBLIC is missing']);
  });

  it('names a dropped DEFAULT partition once, not each of its indexes', async () => {
    await migrate();
    await db.query('drop table alpha.events_default');
    expect(await messages()).toEqual(['partition alpha.events_default is missing']);
  });

  it('names a dropped index of a materialized view', async () => {
    await migrate();
    await db.query('drop index alpha.ux_thing_stats_name');
    expect(await messages()).toEqual(['index alpha.ux_thing_stats_name is missing']);
  });

  it('names row level security switched off, a dropped policy and a disabled trigger', async () => {
    await migrate();
    await db.query('alter table alpha.things disable row level security');
    await db.query('drop policy things_named on alpha.things');
    await db.query('alter table alpha.things disable trigger tg_things_touch');
    const found = await messages();
    expect(found).toContain('row level security on alpha.things is missing');
    expect(found).toContain('policy things_named on alpha.things is missing');
    expect(found).toContainEqual(
      expect.stringMatching(/^trigger tg_things_touch on alpha\.things differs .*\(disabled\)/),
    );
    expect(found).toHaveLength(3);
  });

  it('does not count monthly partitions made by maintenance, but does count any other partition', async () => {
    await migrate();
    await db.query(
      `create table alpha.events_p202701 partition of alpha.events for values from ('2027-01-01') to ('2027-02-01')`,
    );
    expect(await messages()).toEqual([]);
    await db.query(
      `create table alpha.events_archive partition of alpha.events for values from ('2020-01-01') to ('2021-01-01')`,
    );
    expect(await messages()).toEqual(['partition alpha.events_archive exists, but no migration creates it']);
  });

  it('leaves no scratch database behind, also when the migrations fail on it', async () => {
    await migrate();
    const before = await scratchDatabases();
    await checkObjectDrift(composition, db.url);
    const broken = composeContexts([
      alphaBeta({ alpha: { [ALPHA_2]: sqlMigration(['select * from alpha.no_such_table']) } }).alpha,
    ]);
    await expect(checkObjectDrift(broken, db.url)).rejects.toBeInstanceOf(MigrationFailedError);
    expect(await scratchDatabases()).toEqual(before);
  });

  it('refuses with a named error when it cannot create its scratch database', async () => {
    await migrate();
    const server = new URL(db.url);
    server.pathname = '/tessera_no_such_database';
    const attempt = checkObjectDrift(composition, db.url, { scratchServerUrl: server.toString() });
    await expect(attempt).rejects.toBeInstanceOf(DriftScratchError);
    await expect(attempt).rejects.toThrow(/scratch database: .*tessera_no_such_database.*CREATE DATABASE/);
  });
});
