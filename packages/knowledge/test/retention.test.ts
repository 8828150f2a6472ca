import { userFactory } from '@tessera/identity/testing';
import { ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { knowledge } from '../src/context.ts';
import { purgeSearchHistory, type RetentionProgress, SearchRepository } from '../src/index.ts';
import { historyCounts } from './support/history.ts';

const db = useTestDatabase(knowledge);

/** Records `n` searches with feedback for a new user, aged `days` days (set in SQL: there is no clock to mock). */
async function history(n: number, days: number) {
  const user = await userFactory(db.em());
  const repo = new SearchRepository(db.em());
  for (let i = 0; i < n; i++) {
    await repo.recordSearch({
      userId: user.id,
      query: `q${i}`,
      answer: 'a',
      sources: [],
      responseTimeMs: 1,
      feedback: { rating: 3 },
    });
  }
  await db.query(`update knowledge.search_queries set "timestamp" = now() - $2 * interval '1 day' where user_id = $1`, [
    user.id,
    days,
  ]);
  return user.id;
}

const left = (userId: string) => historyCounts(db, userId);

describe('purgeSearchHistory', () => {
  it('deletes history older than 90 days in batches, with progress, keeping recent history', async () => {
    await db.query('delete from knowledge.search_queries');
    const old = await history(5, 120);
    const recent = await history(2, 10);
    const progress: RetentionProgress[] = [];
    const result = await purgeSearchHistory(db.em(), { batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.deleted)).toEqual([2, 4, 5]);
    expect(progress.every((p) => p.total === 5)).toBe(true);
    expect(result).toMatchObject({ deleted: 5, total: 5, batches: 3, skippedLocked: 0 });
    expect(await left(old)).toEqual({ queries: 0, responses: 0, feedback: 0 });
    expect(await left(recent)).toEqual({ queries: 2, responses: 2, feedback: 2 });

    const again = await purgeSearchHistory(db.em(), { batchSize: 2 });
    expect(again).toMatchObject({ deleted: 0, total: 0, batches: 0 });
    expect(await left(recent)).toEqual({ queries: 2, responses: 2, feedback: 2 });
  });

  it('honours a shorter period', async () => {
    const user = await history(3, 10);
    const result = await purgeSearchHistory(db.em(), { days: 7 });
    expect(result.deleted).toBeGreaterThanOrEqual(3);
    expect(await left(user)).toEqual({ queries: 0, responses: 0, feedback: 0 });
  });

  it('skips rows another transaction holds instead of waiting, and a later run deletes them', async () => {
    await db.query('delete from knowledge.search_queries');
    const user = await history(4, 200);
    const [locked] = await db.query<{ id: string }>(
      'select id from knowledge.search_queries where user_id = $1 order by query limit 1',
      [user],
    );
    const holder = db.em();
    await holder.begin();
    // What adding feedback to an old query does: its foreign key check locks the query row (FOR KEY SHARE).
    await holder.execute('select id from knowledge.search_queries where id = ? for key share', [locked?.id]);
    const during = await purgeSearchHistory(db.em(), { batchSize: 10 });
    expect(during).toMatchObject({ deleted: 3, total: 4, skippedLocked: 1 });
    await holder.commit();
    const after = await purgeSearchHistory(db.em(), { batchSize: 10 });
    expect(after).toMatchObject({ deleted: 1, total: 1, skippedLocked: 0 });
    expect(await left(user)).toEqual({ queries: 0, responses: 0, feedback: 0 });
  });

  it('rejects a bad period or batch size with a typed error', async () => {
    await expect(purgeSearchHistory(db.em(), { days: -1 })).rejects.toThrow(ValidationError);
    await expect(purgeSearchHistory(db.em(), { batchSize: 0 })).rejects.toMatchObject({ field: 'batchSize' });
  });
});
