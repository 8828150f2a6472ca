import { MigrationEngine } from '@tessera/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import { emptyDatabase, tessera } from './cli.ts';
import { catalogSchema, dumpSchema } from './schema-snapshot.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
beforeAll(async () => {
  db = await emptyDatabase();
});
afterAll(async () => {
  await db.drop();
});

const snapshot = async () => ({ catalog: await catalogSchema(db.query), dump: await dumpSchema(db.url, db.query) });
const applied = async () =>
  (await db.query('select name, context from tessera.migrations order by id')) as { name: string; context: string }[];

describe('a round trip of the whole schema', () => {
  let full: Awaited<ReturnType<typeof snapshot>>;

  it('migrate up on an empty database, down to nothing, up again: the schema is identical', async () => {
    const empty = await catalogSchema(db.query);
    const up = await tessera(db.url, 'migrate');
    expect(up.code, up.stderr).toBe(0);
    full = await snapshot();
    expect(full.catalog.length).toBeGreaterThan(50);
    for (const context of platform.contexts.filter((c) => c.migrations.length > 0)) {
      expect(full.catalog).toContain(`schema ${context.name}`);
    }

    const down = await tessera(db.url, 'down', '--to', '0');
    expect(down.code, down.stderr).toBe(0);
    expect(await applied()).toEqual([]);
    // Nothing a migration created is left: not a table, a type, a function, nor a schema.
    expect(await catalogSchema(db.query)).toEqual(empty);

    const again = await tessera(db.url, 'migrate');
    expect(again.code, again.stderr).toBe(0);
    const after = await snapshot();
    expect(after.catalog).toEqual(full.catalog);
    expect(after.dump).toEqual(full.dump);
  });

  it('down -1 and back up on the latest migration of each context restores the same schema', async () => {
    const history = await applied();
    const latest = new Map<string, string>();
    for (const m of history) latest.set(m.context, m.name);
    expect([...latest.keys()].sort()).toEqual(
      platform.contexts
        .filter((c) => c.migrations.length > 0)
        .map((c) => c.name)
        .sort(),
    );
    for (const [context, name] of latest) {
      const engine = await MigrationEngine.create({ composition: platform, url: db.url });
      try {
        const current = await applied();
        const index = current.findIndex((m) => m.name === name);
        const reverted = await engine.down({ to: index === 0 ? '0' : (current[index - 1]?.name as string) });
        // The context's latest migration is reverted, with whatever was applied after it (dependants first).
        expect(reverted[reverted.length - 1], context).toBe(name);
        expect((await applied()).map((m) => m.name)).not.toContain(name);
        expect(await catalogSchema(db.query), `${context} down`).not.toEqual(full.catalog);
        await engine.up();
      } finally {
        await engine.close();
      }
      expect(await catalogSchema(db.query), `${context} back up`).toEqual(full.catalog);
    }
    expect((await snapshot()).dump).toEqual(full.dump);
  });
});
