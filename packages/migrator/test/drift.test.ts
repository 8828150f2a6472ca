import { composeContexts } from '@tessera/kernel';
import { describe, expect, it } from 'vitest';
import { checkDrift, MigrationEngine } from '../src/index.ts';
import { ALPHA_2, alphaBeta, sqlMigration } from './fixtures/contexts.ts';
import { useEngineDatabase } from './fixtures/db.ts';

const db = useEngineDatabase();

// alpha owns an expression index created in raw SQL and declared in its `rawObjects`.
const { alpha } = alphaBeta({
  alpha: { [ALPHA_2]: sqlMigration(['create index "ix_things_lower_name" on "alpha"."things" (lower("name"))']) },
});
const composition = composeContexts([alpha]);

async function migrate() {
  const engine = await MigrationEngine.create({ composition, url: db.url });
  try {
    await engine.up();
  } finally {
    await engine.close();
  }
}

describe('checkDrift', () => {
  it('finds nothing on a database the migrations built, raw-SQL objects included', async () => {
    await migrate();
    expect((await checkDrift(composition, db.url)).statements).toEqual([]);
  });

  it('reports a column added by hand', async () => {
    await migrate();
    await db.query('alter table alpha.things add column nickname text');
    expect((await checkDrift(composition, db.url)).statements).toEqual([
      'alter table "alpha"."things" drop column "nickname"',
    ]);
  });

  it('reports a column whose type was changed by hand', async () => {
    await migrate();
    await db.query('alter table alpha.things alter column name type text');
    const { statements } = await checkDrift(composition, db.url);
    expect(statements.join('\n')).toMatch(/alter table "alpha"."things" alter column "name" type varchar\(100\)/);
  });

  it('reports a table the entities have and the database lacks', async () => {
    expect((await checkDrift(composition, db.url)).statements.join('\n')).toMatch(/create table "alpha"."things"/);
  });

  it('reports an index created by hand that no entity or rawObjects declares', async () => {
    await migrate();
    await db.query('create index ix_stray on alpha.things (name)');
    expect((await checkDrift(composition, db.url)).statements).toEqual(['drop index "alpha"."ix_stray"']);
  });
});
