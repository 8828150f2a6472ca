import type { TestDatabase } from '@tessera/testing';

/** How many search queries, responses and feedback records a user has, counted in SQL. */
export async function historyCounts(db: TestDatabase, userId: string) {
  const [row] = await db.query<{ queries: number; responses: number; feedback: number }>(
    `select (select count(*)::int from knowledge.search_queries where user_id = $1) as queries,
            (select count(*)::int from knowledge.search_responses r join knowledge.search_queries q on q.id = r.query_id
              where q.user_id = $1) as responses,
            (select count(*)::int from knowledge.user_feedback where user_id = $1) as feedback`,
    [userId],
  );
  return row;
}
