import { userFactory } from '@tessera/identity/testing';
import { CheckViolationError, NotFoundError, UniqueViolationError, ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { knowledge } from '../src/context.ts';
import { type RecordSearchInput, SearchRepository, SearchResponse } from '../src/index.ts';
import { searchQueryFactory } from '../src/testing.ts';
import { historyCounts } from './support/history.ts';

const db = useTestDatabase(knowledge);

const counts = (userId: string) => historyCounts(db, userId);

const search = (userId: string, overrides: Partial<RecordSearchInput> = {}): RecordSearchInput => ({
  userId,
  query: 'How to use RAG?',
  sessionId: 'test-session-123',
  answer: 'Retrieve, then generate.',
  sources: [{ documentId: '0190b6a0-0000-7000-8000-000000000001', title: 'Test Doc' }],
  responseTimeMs: 1500,
  ...overrides,
});

describe('SearchRepository.recordSearch: query, response and feedback in one transaction', () => {
  it('records all three, with the sources JSONB as given', async () => {
    const user = await userFactory(db.em());
    const recorded = await new SearchRepository(db.em()).recordSearch(
      search(user.id, { feedback: { rating: 5, comment: 'Great answer!' } }),
    );
    expect(await counts(user.id)).toEqual({ queries: 1, responses: 1, feedback: 1 });
    const [row] = await db.query(
      'select sources, response_time_ms from knowledge.search_responses where query_id = $1',
      [recorded.query.id],
    );
    expect(row).toEqual({
      sources: [{ documentId: '0190b6a0-0000-7000-8000-000000000001', title: 'Test Doc' }],
      response_time_ms: 1500,
    });
  });

  it.each([
    ['rating', { feedback: { rating: 6 } }, CheckViolationError, 'UserFeedback'],
    ['rating', { feedback: { rating: 0 } }, CheckViolationError, 'UserFeedback'],
    ['responseTimeMs', { responseTimeMs: -1 }, CheckViolationError, 'SearchResponse'],
    ['query', { query: '   ' }, CheckViolationError, 'SearchQuery'],
    ['sessionId', { sessionId: 's'.repeat(101) }, ValidationError, 'SearchQuery'],
  ])('a bad %s is a typed field error and nothing is written', async (field, overrides, type, entity) => {
    const user = await userFactory(db.em());
    const error = await new SearchRepository(db.em())
      .recordSearch(search(user.id, overrides as Partial<RecordSearchInput>))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ entity, field });
    expect(await counts(user.id)).toEqual({ queries: 0, responses: 0, feedback: 0 });
  });

  it('an unknown user is a NotFoundError', async () => {
    await expect(
      new SearchRepository(db.em()).recordSearch(search('0190b6a0-0000-7000-8000-0000000000ff')),
    ).rejects.toThrow(NotFoundError);
  });

  it('rolls back the query and response when the feedback insert fails in the database', async () => {
    const user = await userFactory(db.em());
    // A trigger that rejects feedback on insert: the failure happens after query and response were inserted.
    await db.query(`create function knowledge.test_reject() returns trigger language plpgsql as
      $$ begin raise check_violation using constraint = 'ck_user_feedback_rating_range'; end $$`);
    await db.query(`create trigger test_reject before insert on knowledge.user_feedback
      for each row execute function knowledge.test_reject()`);
    try {
      const error = await new SearchRepository(db.em())
        .recordSearch(search(user.id, { feedback: { rating: 3 } }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckViolationError);
      expect(error).toMatchObject({ entity: 'UserFeedback', field: 'rating' });
      expect(await counts(user.id)).toEqual({ queries: 0, responses: 0, feedback: 0 });
    } finally {
      await db.query('drop trigger test_reject on knowledge.user_feedback');
      await db.query('drop function knowledge.test_reject()');
    }
  });
});

describe('one response per query', () => {
  it('a second response to the same query is a UniqueViolationError on query', async () => {
    const user = await userFactory(db.em());
    const { query } = await new SearchRepository(db.em()).recordSearch(search(user.id));
    const em = db.em();
    em.create(SearchResponse, { query: query.id, answer: 'again', sources: [], responseTimeMs: 1 });
    const error = await em.flush().catch((e: unknown) => e);
    const { translateDbError } = await import('@tessera/kernel');
    const typed = translateDbError(error, em.getMetadata());
    expect(typed).toBeInstanceOf(UniqueViolationError);
    expect(typed).toMatchObject({
      entity: 'SearchResponse',
      field: 'query',
      constraint: 'uq_search_responses_query_id',
    });
    expect(await counts(user.id)).toMatchObject({ responses: 1 });
  });
});

describe('SearchRepository.addFeedback', () => {
  it('adds a rating to an existing query; out of range is a CheckViolationError', async () => {
    const query = await searchQueryFactory(db.em());
    const repo = new SearchRepository(db.em());
    const feedback = await repo.addFeedback({ queryId: query.id, userId: query.user.id, rating: 4 });
    expect(feedback.rating).toBe(4);
    const error = await repo.addFeedback({ queryId: query.id, userId: query.user.id, rating: 9 }).catch((e) => e);
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({
      entity: 'UserFeedback',
      field: 'rating',
      constraint: 'ck_user_feedback_rating_range',
    });
    await expect(
      repo.addFeedback({ queryId: '0190b6a0-0000-7000-8000-0000000000aa', userId: query.user.id, rating: 3 }),
    ).rejects.toMatchObject({ entity: 'SearchQuery' });
    expect(await counts(query.user.id)).toMatchObject({ feedback: 1 });
  });

  it('the database rejects a rating outside 1-5 written outside the ORM', async () => {
    const query = await searchQueryFactory(db.em());
    await expect(
      db.query(
        'insert into knowledge.user_feedback (id, query_id, user_id, rating) values (gen_random_uuid(), $1, $2, 0)',
        [query.id, query.user.id],
      ),
    ).rejects.toMatchObject({ constraint: 'ck_user_feedback_rating_range' });
  });
});

/** Puts a user's or session's queries one minute apart in insertion order (two inserts can share a millisecond). */
async function spreadInTime(column: 'user_id' | 'session_id', value: string) {
  await db.query(
    `update knowledge.search_queries q set "timestamp" = now() - interval '1 hour' + s.n * interval '1 minute'
       from (select id, row_number() over (order by "timestamp", query) as n from knowledge.search_queries
              where ${column} = $1) s where q.id = s.id`,
    [value],
  );
}

describe('search history', () => {
  it('of a user: newest first, with response and feedback, paged by cursor', async () => {
    const user = await userFactory(db.em());
    const repo = new SearchRepository(db.em());
    for (let i = 1; i <= 5; i++) {
      await repo.recordSearch(search(user.id, { query: `q${i}`, feedback: i === 5 ? { rating: 2 } : null }));
    }
    await repo.recordSearch(search((await userFactory(db.em())).id, { query: 'someone else' }));
    await spreadInTime('user_id', user.id);
    const first = await new SearchRepository(db.em()).historyOfUser(user.id, { limit: 3 });
    expect(first.items.map((e) => e.query)).toEqual(['q5', 'q4', 'q3']);
    expect(first.items[0]).toMatchObject({
      userId: user.id,
      response: { answer: 'Retrieve, then generate.', responseTimeMs: 1500 },
      feedback: [{ rating: 2, userId: user.id }],
    });
    const second = await new SearchRepository(db.em()).historyOfUser(user.id, { limit: 3, cursor: first.nextCursor });
    expect(second.items.map((e) => e.query)).toEqual(['q2', 'q1']);
    expect(second.nextCursor).toBeNull();
    await expect(repo.historyOfUser(user.id, { cursor: 'garbage' })).rejects.toMatchObject({ field: 'cursor' });
  });

  it('of a session: only that session, across users', async () => {
    const a = await userFactory(db.em());
    const b = await userFactory(db.em());
    const repo = new SearchRepository(db.em());
    const session = `sess-${a.id}`;
    await repo.recordSearch(search(a.id, { query: 'first', sessionId: session }));
    await repo.recordSearch(search(a.id, { query: 'elsewhere', sessionId: 'other' }));
    await repo.recordSearch(search(b.id, { query: 'second', sessionId: session }));
    await spreadInTime('session_id', session);
    const page = await new SearchRepository(db.em()).historyOfSession(session);
    expect(page.items.map((e) => [e.query, e.userId])).toEqual([
      ['second', b.id],
      ['first', a.id],
    ]);
  });
});
