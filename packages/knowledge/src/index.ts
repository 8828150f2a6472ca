/** @tessera/knowledge: documents, search queries, responses and feedback of the RAG platform (seed 004). */
export { knowledge } from './context.ts';
export {
  ACCESS_LEVELS,
  DOCUMENT_TYPES,
  Document,
  type DocumentType,
  type IDocument,
} from './entities/document.entity.ts';
export { type ISearchQuery, SearchQuery } from './entities/search-query.entity.ts';
export { type ISearchResponse, type ResponseSource, SearchResponse } from './entities/search-response.entity.ts';
export { type IUserFeedback, UserFeedback } from './entities/user-feedback.entity.ts';
export {
  DEFAULT_RETENTION_BATCH,
  DEFAULT_RETENTION_DAYS,
  deleteSearchHistoryBatch,
  purgeSearchHistory,
  type RetentionOptions,
  type RetentionProgress,
  type RetentionResult,
} from './maintenance/retention.ts';
export {
  type CreateDocumentInput,
  type DocumentDetail,
  type DocumentPage,
  type DocumentPageOptions,
  DocumentRepository,
  type DocumentSummary,
  MAX_DOCUMENT_PAGE,
} from './repositories/document.repository.ts';
export {
  type HistoryOptions,
  type HistoryPage,
  MAX_HISTORY_PAGE,
  type RecordedSearch,
  type RecordSearchInput,
  type SearchHistoryEntry,
  SearchRepository,
} from './repositories/search.repository.ts';
export {
  FULL_COLUMNS,
  type SqlFragment,
  SUMMARY_COLUMNS,
  toNumberedParams,
  visibleDocumentsSql,
} from './security/access.ts';
