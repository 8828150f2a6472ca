import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty } from '@tessera/kernel';
import { SearchQuery } from './search-query.entity.ts';

/** One source document an answer was built from, as stored in `sources`. */
export interface ResponseSource {
  documentId: string;
  title?: string;
  score?: number;
  [key: string]: unknown;
}

const checks = defineChecks('SearchResponse', 'knowledge.search_responses', [
  {
    name: 'response_time_ms_non_negative',
    property: 'responseTimeMs',
    expression: 'response_time_ms >= 0',
    test: (v: number) => Number.isInteger(v) && v >= 0,
    message: 'must be a non-negative integer (milliseconds)',
  },
]);

/**
 * The answer to a search query: exactly one per query, enforced by a unique foreign key.
 * Deleting the query deletes its response.
 */
export const SearchResponse = defineEntity({
  name: 'SearchResponse',
  tableName: 'search_responses',
  schema: 'knowledge',
  properties: {
    id: idProperty(),
    query: () => p.oneToOne(SearchQuery).owner().deleteRule('cascade'),
    answer: p.text(),
    sources: p.json<ResponseSource[]>(),
    responseTimeMs: p.integer(),
    timestamp: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
  checks,
});

/** A loaded search response. */
export type ISearchResponse = InferEntity<typeof SearchResponse>;
