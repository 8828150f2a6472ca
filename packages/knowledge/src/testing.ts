/** @tessera/knowledge/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export {
  type DocumentData,
  type DocumentOverrides,
  documentData,
  documentFactory,
  type FeedbackOverrides,
  feedbackFactory,
  type SearchQueryOverrides,
  type SearchResponseOverrides,
  searchQueryFactory,
  searchResponseFactory,
  seedFactories,
} from './factories/index.ts';
