import { type EmptyDatabase, emptyDatabase } from '@tessera/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUuid, newId } from '../src/index.ts';

/** The Unix milliseconds in a UUIDv7's first 48 bits. */
const msOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('newId', () => {
  it('makes UUIDv7s: version 7, the RFC variant, the time of the call', () => {
    const before = Date.now();
    const ids = Array.from({ length: 100 }, () => newId());
    const after = Date.now();
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // 100 ids cannot use up a millisecond's counter, so no id borrows a millisecond from the future.
    expect(msOf(ids[0] as string)).toBeGreaterThanOrEqual(before);
    expect(msOf(ids.at(-1) as string)).toBeLessThanOrEqual(after);
  });

  it('sorts every id after the one made before it, also within one millisecond, and never repeats one', () => {
    // Tens of thousands in a tight loop: many share a millisecond, and some milliseconds run out of counter.
    const ids = Array.from({ length: 50_000 }, () => newId());
    const sameMillisecond = ids.filter((id, i) => i > 0 && msOf(id) === msOf(ids[i - 1] as string)).length;
    expect(sameMillisecond).toBeGreaterThan(1000);
    for (let i = 1; i < ids.length; i++) {
      if ((ids[i] as string) <= (ids[i - 1] as string)) {
        throw new Error(`id ${i} (${ids[i]}) does not sort after id ${i - 1} (${ids[i - 1]})`);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps 62 random bits: two ids of one millisecond differ beyond the counter', () => {
    const [a, b] = [newId(), newId()];
    expect((a as string).slice(19)).not.toBe((b as string).slice(19));
  });
});

describe('newId in PostgreSQL', () => {
  let db: EmptyDatabase | undefined;
  beforeAll(async () => {
    db = await emptyDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("sorts in the order they were made under PostgreSQL's uuid ordering", async () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    const shuffled = [...ids].sort(() => Math.random() - 0.5);
    const rows = await (db as EmptyDatabase).query(
      'select id::text as id from unnest($1::uuid[]) as t(id) order by id',
      [shuffled],
    );
    expect(rows.map((r) => r.id)).toEqual(ids);
  });
});
