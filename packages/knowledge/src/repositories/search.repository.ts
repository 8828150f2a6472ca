import { User } from '@tessera/identity';
import {
  declareConsistency,
  decodeCursor,
  encodeCursor,
  isUuid,
  NotFoundError,
  pageLimit,
  Repository,
  translated,
  ValidationError,
  validateEntity,
} from '@tessera/kernel';
import { type ISearchQuery, SearchQuery } from '../entities/search-query.entity.ts';
import { type ISearchResponse, type ResponseSource, SearchResponse } from '../entities/search-response.entity.ts';
import { type IUserFeedback, UserFeedback } from '../entities/user-feedback.entity.ts';

/** One search as the RAG pipeline records it: the question, the answer, and optionally the user's rating. */
export interface RecordSearchInput {
  userId: string;
  query: string;
  sessionId?: string | null;
  answer: string;
  sources: ResponseSource[];
  responseTimeMs: number;
  feedback?: { rating: number; comment?: string | null } | null;
}

/** What {@link SearchRepository.recordSearch} wrote. */
export interface RecordedSearch {
  query: ISearchQuery;
  response: ISearchResponse;
  feedback: IUserFeedback | null;
}

/** One entry of a search history: the query, its answer (if any) and its feedback, as plain data. */
export interface SearchHistoryEntry {
  id: string;
  userId: string;
  query: string;
  sessionId: string | null;
  timestamp: Date;
  response: { answer: string; sources: ResponseSource[]; responseTimeMs: number; timestamp: Date } | null;
  feedback: { id: string; userId: string; rating: number; comment: string | null; timestamp: Date }[];
}

/** Paging of a history: newest first; `cursor` is the `nextCursor` of the previous page. */
export interface HistoryOptions {
  limit?: number;
  cursor?: string | null;
}

/** One page of history, newest first. */
export interface HistoryPage {
  items: SearchHistoryEntry[];
  nextCursor: string | null;
}

/** The largest history page. */
export const MAX_HISTORY_PAGE = 200;

/** Search queries, their responses and feedback: recording a search, rating it, and reading history. */
export class SearchRepository extends Repository {
  /**
   * Records a search (query, then response, then optional feedback) in one transaction: everything is
   * written or nothing is. Every field is validated before the first statement; an unknown user is a
   * NotFoundError.
   */
  async recordSearch(input: RecordSearchInput): Promise<RecordedSearch> {
    const queryData = { user: input.userId, query: input.query, sessionId: input.sessionId ?? null };
    const responseData = { answer: input.answer, sources: input.sources, responseTimeMs: input.responseTimeMs };
    const feedbackData = input.feedback
      ? { user: input.userId, rating: input.feedback.rating, comment: input.feedback.comment ?? null }
      : null;
    validateEntity(this.em.getMetadata(SearchQuery), { ...queryData, user: {} });
    validateEntity(this.em.getMetadata(SearchResponse), { ...responseData, query: {} });
    if (!Array.isArray(input.sources)) {
      throw new ValidationError('SearchResponse', 'sources', 'must be an array of source documents');
    }
    if (feedbackData) validateEntity(this.em.getMetadata(UserFeedback), { ...feedbackData, query: {} });
    await this.#requireUser(input.userId);

    return translated(this.em, () =>
      this.em.transactional(async (em) => {
        const query = em.create(SearchQuery, { ...queryData, user: em.getReference(User, input.userId) });
        const response = em.create(SearchResponse, { ...responseData, query });
        const feedback = feedbackData
          ? em.create(UserFeedback, { ...feedbackData, user: em.getReference(User, input.userId), query })
          : null;
        await em.flush();
        return { query, response, feedback };
      }),
    );
  }

  /** Adds a user's rating of the answer to a query; a rating outside 1-5 is a CheckViolationError on rating. */
  async addFeedback(input: {
    queryId: string;
    userId: string;
    rating: number;
    comment?: string | null;
  }): Promise<IUserFeedback> {
    const data = { rating: input.rating, comment: input.comment ?? null };
    validateEntity(this.em.getMetadata(UserFeedback), { ...data, query: {}, user: {} });
    if (!isUuid(input.queryId) || !(await this.em.count(SearchQuery, { id: input.queryId }))) {
      throw new NotFoundError('SearchQuery', { id: input.queryId });
    }
    await this.#requireUser(input.userId);
    return translated(this.em, () =>
      this.em.transactional(async (em) => {
        const feedback = em.create(UserFeedback, {
          ...data,
          query: em.getReference(SearchQuery, input.queryId),
          user: em.getReference(User, input.userId),
        });
        await em.flush();
        return feedback;
      }),
    );
  }

  /** The search history of a user, newest first, each query with its response and feedback. */
  async historyOfUser(userId: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    if (!isUuid(userId)) return { items: [], nextCursor: null };
    return this.#history({ user: userId }, options);
  }

  /** The search history of a chat session, newest first. */
  async historyOfSession(sessionId: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    return this.#history({ sessionId }, options);
  }

  async #history(where: { user: string } | { sessionId: string }, options: HistoryOptions): Promise<HistoryPage> {
    const limit = pageLimit('SearchQuery', options.limit, { max: MAX_HISTORY_PAGE, default: 50 });
    const after = options.cursor ? decodeCursor('SearchQuery', options.cursor) : null;
    // Keyset on (timestamp, id) descending: stable while new searches arrive.
    const keyset = after
      ? {
          $or: [{ timestamp: { $lt: after.timestamp } }, { timestamp: after.timestamp, id: { $lt: after.id } }],
        }
      : {};
    const rows = await this.em.find(
      SearchQuery,
      { ...where, ...keyset },
      {
        populate: ['response', 'feedback'],
        orderBy: { timestamp: 'desc', id: 'desc' },
        limit: limit + 1,
      },
    );
    const page = rows.slice(0, limit);
    const items = page.map((q) => ({
      id: q.id,
      userId: q.user.id,
      query: q.query,
      sessionId: q.sessionId ?? null,
      timestamp: q.timestamp,
      response: q.response
        ? {
            answer: q.response.answer,
            sources: q.response.sources,
            responseTimeMs: q.response.responseTimeMs,
            timestamp: q.response.timestamp,
          }
        : null,
      feedback: q.feedback
        .getItems()
        .map((f) => ({
          id: f.id,
          userId: f.user.id,
          rating: f.rating,
          comment: f.comment ?? null,
          timestamp: f.timestamp,
        }))
        .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime()),
    }));
    const last = page.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async #requireUser(userId: string): Promise<void> {
    if (!isUuid(userId) || !(await this.em.count(User, { id: userId }))) {
      throw new NotFoundError('User', { id: userId });
    }
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(SearchRepository, {
  reads: { historyOfUser: 'read-your-writes', historyOfSession: 'read-your-writes' },
  writes: ['recordSearch', 'addFeedback'],
});
