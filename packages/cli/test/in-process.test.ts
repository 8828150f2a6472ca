import { catalog } from '@tessera/catalog';
import { type EmptyDatabase, emptyDatabase } from '@tessera/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, defineConfig, type MigratedEvent, migrate, status } from '../src/index.ts';

describe('the same composition in-process', () => {
  let db: EmptyDatabase;
  beforeAll(async () => {
    db = await emptyDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('migrates catalog and nas, calls onMigrated once, and then reports a clean check', async () => {
    const events: MigratedEvent[] = [];
    const config = defineConfig({ contexts: [catalog], onMigrated: (e) => void events.push(e) });
    const applied = await migrate(config, { url: db.url });
    expect(new Set(applied.map((m) => m.context))).toEqual(new Set(['nas', 'catalog']));
    expect(events).toHaveLength(1);
    expect(events[0]?.migrations).toEqual(applied.map((m) => m.name));
    expect(await migrate(config, { url: db.url })).toEqual([]);
    expect(events).toHaveLength(1);
    expect((await status(config, { url: db.url })).map((s) => [s.context, s.pending.length])).toEqual([
      ['nas', 0],
      ['catalog', 0],
    ]);
    expect((await check(config, { url: db.url })).clean).toBe(true);
  });
});
