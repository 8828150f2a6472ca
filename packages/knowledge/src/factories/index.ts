export {
  type DocumentData,
  type DocumentOverrides,
  documentData,
  documentFactory,
  seedFactories,
} from './document.factory.ts';
export {
  type FeedbackOverrides,
  feedbackFactory,
  type SearchQueryOverrides,
  type SearchResponseOverrides,
  searchQueryFactory,
  searchResponseFactory,
} from './search.factory.ts';
