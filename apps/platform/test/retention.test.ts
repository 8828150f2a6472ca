import { knowledge } from '@tessera/knowledge';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { emptyDatabase, tessera } from './cli.ts';

const db = useTestDatabase(knowledge);

/** Inserts `n` queries (each with a response and feedback) aged `days` days, for a new user; returns the user id. */
async function history(n: number, days: number): Promise<string> {
  const [user] = await db.query<{ id: string }>(
    `insert into identity.users (id, email, username) values (gen_random_uuid(), gen_random_uuid() || '@example.com',
       gen_random_uuid()::text) returning id`,
  );
  const userId = user?.id as string;
  await db.query(
    `with q as (insert into knowledge.search_queries (id, user_id, query, "timestamp")
                select gen_random_uuid(), $1, 'q' || i, now() - $3 * interval '1 day' from generate_series(1, $2) i
                returning id),
          r as (insert into knowledge.search_responses (id, query_id, answer, sources, response_time_ms)
                select gen_random_uuid(), id, 'a', '[]', 1 from q)
     insert into knowledge.user_feedback (id, query_id, user_id, rating) select gen_random_uuid(), id, $1, 4 from q`,
    [userId, n, days],
  );
  return userId;
}

const rowsOf = async (userId: string) => {
  const [row] = await db.query<{ q: number; f: number }>(
    `select (select count(*)::int from knowledge.search_queries where user_id = $1) as q,
            (select count(*)::int from knowledge.user_feedback where user_id = $1) as f`,
    [userId],
  );
  return row;
};

describe('tessera retention', () => {
  it('deletes history older than 90 days in batches with progress; a second run has nothing to do', async () => {
    await db.query('delete from knowledge.search_queries');
    const old = await history(5, 91);
    const recent = await history(3, 89);
    const run = await tessera(db.url, 'retention', '--batch-size', '2');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('batch 1: deleted 2/5 (40%)');
    expect(run.stdout).toContain('batch 3: deleted 5/5 (100%)');
    expect(run.stdout).toContain('Deleted 5 search queries older than 90 days');
    expect(await rowsOf(old)).toEqual({ q: 0, f: 0 });
    expect(await rowsOf(recent)).toEqual({ q: 3, f: 3 });
    const orphans = await db.query(
      'select 1 from knowledge.search_responses r where not exists (select 1 from knowledge.search_queries q where q.id = r.query_id)',
    );
    expect(orphans).toEqual([]);
    const again = await tessera(db.url, 'retention', '--batch-size', '2');
    expect(again.stdout).toContain('Deleted 0 search queries');
    expect(await rowsOf(recent)).toEqual({ q: 3, f: 3 });
  });

  it('--days changes the period', async () => {
    const user = await history(2, 8);
    const run = await tessera(db.url, 'retention', '--days', '7');
    expect(run.code, run.stderr).toBe(0);
    expect(await rowsOf(user)).toEqual({ q: 0, f: 0 });
  });

  it('runs while new searches keep being written, and deletes only old ones', async () => {
    const old = await history(300, 120);
    const writer = await history(0, 0);
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        await db.query(
          `insert into knowledge.search_queries (id, user_id, query) values (gen_random_uuid(), $1, 'live')`,
          [writer],
        );
        written += 1;
      }
    })();
    const run = await tessera(db.url, 'retention', '--batch-size', '25');
    writing = false;
    await writes;
    expect(run.code, run.stderr).toBe(0);
    expect(await rowsOf(old)).toEqual({ q: 0, f: 0 });
    expect(written).toBeGreaterThan(0);
    expect((await rowsOf(writer))?.q).toBe(written);
  });

  it('rejects bad arguments with exit code 2', async () => {
    const days = await tessera(db.url, 'retention', '--days', 'soon');
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('--days must be a number');
    const batch = await tessera(db.url, 'retention', '--batch-size', '0');
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain('--batch-size must be a positive integer');
  });

  it('says to migrate first on a database without the knowledge tables', async () => {
    const empty = await emptyDatabase();
    try {
      const run = await tessera(empty.url, 'retention');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('run `tessera migrate` first');
    } finally {
      await empty.drop();
    }
  });
});
