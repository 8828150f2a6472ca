/** @tessera/knowledge/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export { type DocumentOverrides, documentFactory } from './factories/document.factory.ts';
export {
  type FeedbackOverrides,
  feedbackFactory,
  type SearchQueryOverrides,
  type SearchResponseOverrides,
  searchQueryFactory,
  searchResponseFactory,
} from './factories/search.factory.ts';
