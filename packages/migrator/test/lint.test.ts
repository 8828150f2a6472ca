import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeContexts, type MigrationClass } from '@tessera/kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lintMigrations, notAccepted, readBaseline, writeBaseline } from '../src/lint/index.ts';
import { ALPHA_2, alphaBeta, BETA_1, sqlMigration } from './fixtures/contexts.ts';

const BETA_2 = 'Migration20260401000000_beta_more';

/** Lints one extra migration of alpha (ALPHA_2) or beta (BETA_2); beta references alpha.things by foreign key. */
async function lint(context: 'alpha' | 'beta', cls: MigrationClass) {
  const name = context === 'alpha' ? ALPHA_2 : BETA_2;
  const { alpha, beta } = alphaBeta({ [context]: { [name]: cls } });
  const composition = composeContexts([alpha, beta]);
  const entry = composition.migrations.find((m) => m.name === name);
  if (!entry) throw new Error(`fixture ${name} missing`);
  return lintMigrations(composition, [{ context, entry }]);
}

const rules = (findings: Awaited<ReturnType<typeof lint>>) => findings.map((f) => f.rule);

describe('migration lint: Tessera rules', () => {
  it('reports a foreign key against the context arrows, naming migration, statement and target', async () => {
    const findings = await lint(
      'alpha',
      sqlMigration([
        'create table "alpha"."links" ("id" int primary key, "item_id" int not null)',
        'alter table "alpha"."links" add constraint "fk_links_item" foreign key ("item_id") references "beta"."items" ("id")',
      ]),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        migration: ALPHA_2,
        statement: 2,
        rule: 'tessera/fk-against-context-arrows',
        message: expect.stringMatching(/beta\.items.*"alpha" does not depend on "beta"/),
      }),
    );
  });

  it('allows a foreign key into a dependency', async () => {
    const findings = await lint(
      'beta',
      sqlMigration([
        'create table "beta"."notes" ("id" int primary key, "thing_id" uuid not null references "alpha"."things" ("id"))',
      ]),
    );
    expect(rules(findings)).not.toContain('tessera/fk-against-context-arrows');
  });

  it('reports CONCURRENTLY in a transactional migration, and not in a non-transactional one', async () => {
    const sql = ['create index concurrently if not exists "ix_items_label" on "beta"."items" ("thing_id")'];
    const inTx = await lint('beta', sqlMigration(sql));
    expect(inTx).toContainEqual(
      expect.objectContaining({ migration: BETA_2, statement: 1, rule: 'tessera/concurrently-in-transaction' }),
    );
    const outside = await lint('beta', sqlMigration(sql, [], { transactional: false }));
    expect(rules(outside)).not.toContain('tessera/concurrently-in-transaction');
  });

  it('reports a table rewrite on a table another context references, naming that context', async () => {
    const findings = await lint('alpha', sqlMigration(['alter table "alpha"."things" alter column "name" type text']));
    expect(findings).toContainEqual(
      expect.objectContaining({
        migration: ALPHA_2,
        statement: 1,
        rule: 'tessera/lock-heavy-on-referenced-table',
        message: expect.stringMatching(/changes a column type.*alpha\.things.*beta/),
      }),
    );
  });

  it('reports lock-heavy constraint and NOT NULL changes on a referenced table, unless done the safe way', async () => {
    const heavy = await lint(
      'alpha',
      sqlMigration([
        `alter table "alpha"."things" add constraint "ck_things_name" check ("name" <> '')`,
        'alter table "alpha"."things" alter column "name" set not null',
        'alter table "alpha"."things" add column "token" uuid not null default gen_random_uuid()',
      ]),
    );
    expect(heavy.filter((f) => f.rule === 'tessera/lock-heavy-on-referenced-table').map((f) => f.statement)).toEqual([
      1, 2, 3,
    ]);
    const safe = await lint(
      'alpha',
      sqlMigration([
        `alter table "alpha"."things" add constraint "ck_things_name" check ("name" is not null) not valid`,
        'alter table "alpha"."things" validate constraint "ck_things_name"',
        'alter table "alpha"."things" alter column "name" set not null',
      ]),
    );
    expect(rules(safe)).not.toContain('tessera/lock-heavy-on-referenced-table');
  });

  it('does not report the same rewrite on a table no other context references', async () => {
    const findings = await lint('beta', sqlMigration(['alter table "beta"."items" alter column "thing_id" type text']));
    expect(rules(findings)).not.toContain('tessera/lock-heavy-on-referenced-table');
  });

  it('reports dropping a column or a table without an acknowledgement', async () => {
    const findings = await lint(
      'beta',
      sqlMigration(['alter table "beta"."items" drop column "thing_id"', 'drop table "beta"."items"']),
    );
    const destructive = findings.filter((f) => f.rule === 'tessera/destructive-change');
    expect(destructive.map((f) => [f.migration, f.statement, f.message])).toEqual([
      [BETA_2, 1, expect.stringContaining('drops column beta.items.thing_id')],
      [BETA_2, 2, expect.stringContaining('drops table beta.items')],
    ]);
  });

  it('accepts a destructive change the migration acknowledges with a reason, and not with an empty one', async () => {
    // What a migration class declares as `static readonly acknowledge = { … }`.
    const acknowledged = (reason: string) =>
      Object.assign(sqlMigration(['alter table "beta"."items" drop column "thing_id"']), {
        acknowledge: { 'tessera/destructive-change': reason },
      });
    expect(rules(await lint('beta', acknowledged('thing_id was copied to item_things')))).not.toContain(
      'tessera/destructive-change',
    );
    expect(rules(await lint('beta', acknowledged(' ')))).toContain('tessera/destructive-change');
  });
});

describe('migration lint: squawk', () => {
  it("surfaces squawk's findings with the migration and statement", async () => {
    const findings = await lint(
      'beta',
      sqlMigration([
        'create table "beta"."tags" ("id" int primary key)',
        'create index "ix_items_thing" on "beta"."items" ("thing_id")',
      ]),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({ migration: BETA_2, statement: 2, rule: 'squawk/require-concurrent-index-creation' }),
    );
  });

  it('finds nothing in a migration written the safe way', async () => {
    const findings = await lint(
      'beta',
      sqlMigration(['create index concurrently if not exists "ix_items_thing" on "beta"."items" ("thing_id")'], [], {
        transactional: false,
      }),
    );
    expect(findings).toEqual([]);
  });
});

describe('migration lint baseline', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(fileURLToPath(new URL('.', import.meta.url)), `.work-lint-${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips accepted migrations while their SQL is unchanged, and lints an edited one again', async () => {
    const { beta } = alphaBeta();
    await writeBaseline(dir, beta.migrations);
    expect(Object.keys(readBaseline(dir))).toEqual([BETA_1]);
    expect(await notAccepted(beta.migrations, readBaseline(dir))).toEqual([]);

    const edited = { name: BETA_1, class: sqlMigration(['create schema if not exists "beta"', 'select 2']) };
    expect((await notAccepted([edited], readBaseline(dir))).map((e) => e.name)).toEqual([BETA_1]);
    const added = { name: BETA_2, class: sqlMigration(['select 1']) };
    expect((await notAccepted([...beta.migrations, added], readBaseline(dir))).map((e) => e.name)).toEqual([BETA_2]);
  });
});
