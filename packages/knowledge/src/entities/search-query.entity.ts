import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from '@tessera/identity';
import { defineChecks, idProperty } from '@tessera/kernel';
import { SearchResponse } from './search-response.entity.ts';
import { UserFeedback } from './user-feedback.entity.ts';

const checks = defineChecks('SearchQuery', 'knowledge.search_queries', [
  {
    name: 'query_not_empty',
    property: 'query',
    expression: 'length(trim(both from query)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
]);

/**
 * A question a user asked. History is immutable, so it has one `timestamp` (when it was asked)
 * instead of created/updated; retention deletes rows by it. Deleting the user deletes its queries.
 */
export const SearchQuery = defineEntity({
  name: 'SearchQuery',
  tableName: 'search_queries',
  schema: 'knowledge',
  properties: {
    id: idProperty(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    query: p.text(),
    /** The chat session the query belongs to; indexed for session history. */
    sessionId: p.string().length(100).nullable().index(),
    timestamp: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .index(),
    /** The answer (inverse side of the unique foreign key; at most one). */
    response: () => p.oneToOne(SearchResponse).mappedBy('query').nullable(),
    /** The ratings users gave the answer. */
    feedback: () => p.oneToMany(UserFeedback).mappedBy('query'),
  },
  checks,
});

/** A loaded search query. */
export type ISearchQuery = InferEntity<typeof SearchQuery>;
