import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from '@tessera/identity';
import { defineChecks, idProperty } from '@tessera/kernel';
import { SearchQuery } from './search-query.entity.ts';

const checks = defineChecks('UserFeedback', 'knowledge.user_feedback', [
  {
    name: 'rating_range',
    property: 'rating',
    expression: 'rating >= 1 and rating <= 5',
    test: (v: number) => Number.isInteger(v) && v >= 1 && v <= 5,
    message: 'must be an integer from 1 to 5',
  },
]);

/** A user's rating (1-5) of the answer to a query. Deleting the query or the user deletes it. */
export const UserFeedback = defineEntity({
  name: 'UserFeedback',
  tableName: 'user_feedback',
  schema: 'knowledge',
  properties: {
    id: idProperty(),
    query: () => p.manyToOne(SearchQuery).deleteRule('cascade').index(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    rating: p.smallint(),
    comment: p.text().nullable(),
    timestamp: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
  checks,
});

/** A loaded feedback record. */
export type IUserFeedback = InferEntity<typeof UserFeedback>;
