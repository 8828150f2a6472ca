import { faker } from '@faker-js/faker';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { IUser } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import { flushOrDetach } from '@tessera/kernel';
import { type ISearchQuery, SearchQuery } from '../entities/search-query.entity.ts';
import { type ISearchResponse, SearchResponse } from '../entities/search-response.entity.ts';
import { type IUserFeedback, UserFeedback } from '../entities/user-feedback.entity.ts';

/** Fields a test may override on a search query; `user` defaults to a new user. */
export type SearchQueryOverrides = Partial<Omit<ISearchQuery, 'id' | 'user' | 'response' | 'feedback'>> & {
  user?: IUser;
};

/** Persists (and flushes) a search query without a response. */
export async function searchQueryFactory(
  em: EntityManager,
  overrides: SearchQueryOverrides = {},
): Promise<ISearchQuery> {
  const { user, ...fields } = overrides;
  const query = em.create(SearchQuery, {
    user: user ?? (await userFactory(em)),
    query: `${faker.lorem.sentence({ min: 3, max: 10 }).replace(/\.$/, '')}?`,
    sessionId: null,
    ...fields,
  });
  await flushOrDetach(em, [query]);
  return query;
}

/** Fields a test may override on a response; `query` defaults to a new query. */
export type SearchResponseOverrides = Partial<Omit<ISearchResponse, 'id' | 'query'>> & { query?: ISearchQuery };

/** Persists (and flushes) the response to a query. */
export async function searchResponseFactory(
  em: EntityManager,
  overrides: SearchResponseOverrides = {},
): Promise<ISearchResponse> {
  const { query, ...fields } = overrides;
  const response = em.create(SearchResponse, {
    query: query ?? (await searchQueryFactory(em)),
    answer: faker.lorem.paragraph(),
    sources: [{ documentId: faker.string.uuid(), title: faker.lorem.words(3), score: 0.9 }],
    responseTimeMs: faker.number.int({ min: 50, max: 3000 }),
    ...fields,
  });
  await flushOrDetach(em, [response]);
  return response;
}

/** Fields a test may override on feedback; `query` and `user` default to a new query and its user. */
export type FeedbackOverrides = Partial<Omit<IUserFeedback, 'id' | 'query' | 'user'>> & {
  query?: ISearchQuery;
  user?: IUser;
};

/** Persists (and flushes) a rating of a query's answer. */
export async function feedbackFactory(em: EntityManager, overrides: FeedbackOverrides = {}): Promise<IUserFeedback> {
  const { query, user, ...fields } = overrides;
  const q = query ?? (await searchQueryFactory(em, user ? { user } : {}));
  const feedback = em.create(UserFeedback, {
    query: q,
    user: user ?? q.user,
    rating: faker.number.int({ min: 1, max: 5 }),
    comment: null,
    ...fields,
  });
  await flushOrDetach(em, [feedback]);
  return feedback;
}
