import { UserRepository } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import { ForeignKeyViolationError, UniqueViolationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { knowledge } from '../src/context.ts';
import { DocumentRepository, SearchQuery, SearchRepository } from '../src/index.ts';
import { documentFactory, feedbackFactory, searchQueryFactory, searchResponseFactory } from '../src/testing.ts';

const db = useTestDatabase(knowledge);

describe('knowledge users (access level, department), kept by the identity context', () => {
  it('a user is created with department and level; the level defaults to 1; e-mails are unique', async () => {
    const users = new UserRepository(db.em());
    const engineer = await users.register({
      email: 'test@example.com',
      username: 'test-user',
      fullName: 'Test User',
      department: 'Engineering',
      accessLevel: 2,
    });
    expect(engineer).toMatchObject({ department: 'Engineering', accessLevel: 2 });
    const intern = await users.register({ email: 'intern@example.com', username: 'intern', department: 'Eng' });
    expect(intern.accessLevel).toBe(1);
    await expect(users.register({ email: 'test@example.com', username: 'someone' })).rejects.toThrow(
      UniqueViolationError,
    );
  });
});

describe('relations: a query, its response and its feedback', () => {
  it('a query belongs to its user and loads its response and feedback', async () => {
    const em = db.em();
    const query = await searchQueryFactory(em, { sessionId: 'test-session-123' });
    await searchResponseFactory(em, { query, responseTimeMs: 1500 });
    await feedbackFactory(em, { query, user: query.user, rating: 5, comment: 'Great answer!' });
    const loaded = await db.em().findOneOrFail(SearchQuery, query.id, { populate: ['user', 'response', 'feedback'] });
    expect(loaded.user.id).toBe(query.user.id);
    expect(loaded.response?.responseTimeMs).toBe(1500);
    expect(loaded.feedback.getItems().map((f) => [f.rating, f.comment])).toEqual([[5, 'Great answer!']]);
  });

  it('a query of a user that does not exist is a ForeignKeyViolationError on user (integrity test 1)', async () => {
    const em = db.em();
    em.create(SearchQuery, { user: '0190b6a0-0000-7000-8000-00000000dead', query: 'orphan' });
    const { flushOrDetach } = await import('@tessera/kernel');
    const error = await flushOrDetach(em, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ entity: 'SearchQuery', field: 'user', constraint: 'fk_search_queries_user_id' });
  });
});

describe('cascades', () => {
  const countsFor = async (userId: string) => {
    const [row] = await db.query<{ queries: number; responses: number; feedback: number }>(
      `select (select count(*)::int from knowledge.search_queries where user_id = $1) as queries,
              (select count(*)::int from knowledge.search_responses r
                where not exists (select 1 from knowledge.search_queries q where q.id = r.query_id)) as responses,
              (select count(*)::int from knowledge.user_feedback where user_id = $1) as feedback`,
      [userId],
    );
    return row;
  };

  const searchesOf = async () => {
    const user = await userFactory(db.em());
    const repo = new SearchRepository(db.em());
    const base = { userId: user.id, answer: 'a', sources: [], responseTimeMs: 10 };
    const one = await repo.recordSearch({ ...base, query: 'one', feedback: { rating: 3 } });
    await repo.recordSearch({ ...base, query: 'two', feedback: { rating: 4 } });
    expect(await countsFor(user.id)).toEqual({ queries: 2, responses: 0, feedback: 2 });
    return { user, one };
  };

  it('deleting a user deletes its queries, their responses and its feedback', async () => {
    const { user } = await searchesOf();
    await new UserRepository(db.em()).delete(user.id);
    expect(await countsFor(user.id)).toEqual({ queries: 0, responses: 0, feedback: 0 });
    const [left] = await db.query<{ n: number }>(
      `select count(*)::int as n from knowledge.search_responses r join knowledge.search_queries q on q.id = r.query_id
        where q.user_id = $1`,
      [user.id],
    );
    expect(left?.n).toBe(0);
  });

  it('deleting a query deletes its response and feedback, not the other queries', async () => {
    const { user, one } = await searchesOf();
    await db.query('delete from knowledge.search_queries where id = $1', [one.query.id]);
    expect(await countsFor(user.id)).toEqual({ queries: 1, responses: 0, feedback: 1 });
    expect(await db.query('select 1 from knowledge.search_responses where query_id = $1', [one.query.id])).toEqual([]);
  });
});

describe('timestamps', () => {
  it('created_at and updated_at are set on insert, also by the database default for raw inserts', async () => {
    const doc = await documentFactory(db.em());
    expect(doc.createdAt).toBeInstanceOf(Date);
    const [raw] = await db.query<{ created_at: Date; updated_at: Date; fresh: boolean }>(
      `insert into knowledge.documents (id, title, content, document_type, source)
       values (gen_random_uuid(), 't', 'c', 'TXT', '/raw-ts') returning created_at, updated_at, created_at = now() as fresh`,
    );
    expect(raw?.fresh).toBe(true);
    expect(raw?.updated_at).toEqual(raw?.created_at);
  });

  it('updated_at moves on update, through the ORM and through raw SQL (trigger)', async () => {
    const em = db.em();
    const doc = await documentFactory(em);
    const [before] = await db.query<{ updated_at: Date }>('select updated_at from knowledge.documents where id = $1', [
      doc.id,
    ]);
    const [raw] = await db.query<{ updated_at: Date; fresh: boolean }>(
      `update knowledge.documents set title = 'changed' where id = $1 returning updated_at, updated_at = now() as fresh`,
      [doc.id],
    );
    expect(raw?.fresh).toBe(true);
    expect(raw?.updated_at.getTime()).not.toBe(before?.updated_at.getTime());
    doc.title = 'changed again';
    await em.flush();
    const [orm] = await db.query<{ updated_at: Date }>('select updated_at from knowledge.documents where id = $1', [
      doc.id,
    ]);
    expect(orm?.updated_at.getTime()).not.toBe(raw?.updated_at.getTime());
    const [createdStill] = await db.query<{ same: boolean }>(
      'select created_at = $2 as same from knowledge.documents where id = $1',
      [doc.id, doc.createdAt],
    );
    expect(createdStill?.same).toBe(true);
  });

  it('search history rows carry the time they were recorded', async () => {
    const user = await userFactory(db.em());
    const { query, response } = await new SearchRepository(db.em()).recordSearch({
      userId: user.id,
      query: 'when?',
      answer: 'now',
      sources: [],
      responseTimeMs: 1,
    });
    const [row] = await db.query<{ q: Date; r: Date }>(
      `select q."timestamp" as q, r."timestamp" as r from knowledge.search_queries q
         join knowledge.search_responses r on r.query_id = q.id where q.id = $1`,
      [query.id],
    );
    expect(row?.q).toEqual(query.timestamp);
    expect(row?.r).toEqual(response.timestamp);
  });
});

describe('deleting a document', () => {
  it('removes it, and reports whether there was one', async () => {
    const doc = await documentFactory(db.em());
    const repo = new DocumentRepository(db.em());
    expect(await repo.delete(doc.id)).toBe(true);
    expect(await repo.delete(doc.id)).toBe(false);
  });
});
