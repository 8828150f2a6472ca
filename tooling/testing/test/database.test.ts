import { Migration } from '@mikro-orm/migrations';
import { composeContexts, defineContext, newId } from '@tessera/kernel';
import { emptyDatabase } from '@tessera/test-server';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, migrateDatabase, templateKey, useTestDatabase } from '../src/index.ts';
import { tt } from './fixture/src/context.ts';
import { Note, NoteRepository } from './fixture/src/notes.ts';

const db = useTestDatabase(tt);

// Reading the database before its beforeAll has run is a mistake the harness names.
const early = (() => {
  try {
    return db.url;
  } catch (error) {
    return error;
  }
})();

describe('useTestDatabase', () => {
  it('refuses to be read before the file has started', () => {
    expect(early).toBeInstanceOf(Error);
    expect((early as Error).message).toMatch(/the test database is not ready/);
  });

  it('gives the file a database migrated for the context: its table exists and the journal records its migration', async () => {
    expect(await db.query(`select to_regclass('tt.notes')::text as t`)).toEqual([{ t: 'tt.notes' }]);
    const applied = await db.query<{ context: string; name: string }>(
      'select context, name from tessera.migrations order by id',
    );
    expect(applied).toEqual([{ context: 'tt', name: 'Migration20261201000000_tt_init' }]);
    expect(db.composition.contexts.map((c) => c.name)).toEqual(['tt']);
    expect(db.url).toMatch(/^postgresql:\/\//);
  });

  it('writes through the ORM and reads the row back with raw SQL', async () => {
    const note = await new NoteRepository(db.em()).add('hello');
    expect(await db.query('select title from tt.notes where id = $1', [note.id])).toEqual([{ title: 'hello' }]);
    const found = await db.em().findOneOrFail(Note, note.id);
    expect(found).toMatchObject({ title: 'hello' });
    expect(db.orm.em).toBeDefined();
  });
});

describe('createTestDatabase', () => {
  it('gives each call a database of its own: a write in one is not seen by the other', async () => {
    const a = await createTestDatabase([tt]);
    const b = await createTestDatabase([tt]);
    try {
      expect(a.url).not.toBe(b.url);
      const count = async (url: string) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return (await client.query('select count(*)::int as n from tt.notes')).rows[0].n as number;
        } finally {
          await client.end();
        }
      };
      const client = new pg.Client({ connectionString: a.url });
      await client.connect();
      await client.query(`insert into tt.notes (id, title) values ($1, 'only in a')`, [newId()]);
      await client.end();
      expect(await count(a.url)).toBe(1);
      expect(await count(b.url)).toBe(0);
    } finally {
      await a.drop();
      await b.drop();
    }
  });
});

describe('templateKey', () => {
  it('is stable for the same migrations', () => {
    expect(templateKey(composeContexts([tt]))).toBe(templateKey(composeContexts([tt])));
    expect(templateKey(composeContexts([tt]))).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes when a migration changes, is added or is renamed', () => {
    const [first] = tt.migrations;
    if (!first) throw new Error('tt has a migration');
    const key = templateKey(composeContexts([tt]));
    const changed = class extends Migration {
      override up(): void {
        this.addSql('create schema if not exists "tt"');
      }
    };
    const variant = (migrations: typeof tt.migrations) =>
      templateKey(composeContexts([defineContext({ name: 'tt', entities: tt.entities, migrations })]));
    expect(variant([...tt.migrations])).toBe(key);
    expect(variant([{ name: first.name, class: changed }])).not.toBe(key);
    expect(variant([{ name: 'Migration20261201000001_tt_init', class: first.class }])).not.toBe(key);
    expect(variant([first, { name: 'Migration20261202000000_tt_more', class: changed }])).not.toBe(key);
  });
});

describe('migrateDatabase', () => {
  it('migrates a fresh database, and a second run changes nothing', async () => {
    const empty = await emptyDatabase();
    try {
      const composition = composeContexts([tt]);
      expect(await empty.query(`select to_regclass('tt.notes') as t`)).toEqual([{ t: null }]);
      await migrateDatabase(composition, empty.url);
      expect(await empty.query(`select to_regclass('tt.notes')::text as t`)).toEqual([{ t: 'tt.notes' }]);
      const journal = () => empty.query('select id, context, name, checksum from tessera.migrations order by id');
      const once = await journal();
      expect(once.map((r) => r.name)).toEqual(['Migration20261201000000_tt_init']);
      await migrateDatabase(composition, empty.url);
      expect(await journal()).toEqual(once);
    } finally {
      await empty.drop();
    }
  });
});
