/** @tessera/knowledge: documents, search queries, responses and feedback of the RAG platform. */

/** The context module to compose (`composeContexts([knowledge])`). */
export { knowledge } from './context.ts';
/** The document entity, its types and access levels. */
export {
  ACCESS_LEVELS,
  DOCUMENT_TYPES,
  Document,
  type DocumentType,
  type IDocument,
} from './entities/document.entity.ts';
/** The search query entity. */
export { type ISearchQuery, SearchQuery } from './entities/search-query.entity.ts';
/** The search response entity and the sources it cites. */
export { type ISearchResponse, type ResponseSource, SearchResponse } from './entities/search-response.entity.ts';
/** The feedback entity. */
export { type IUserFeedback, UserFeedback } from './entities/user-feedback.entity.ts';
/** Deleting search history past its retention, in batches. */
export {
  DEFAULT_RETENTION_BATCH,
  DEFAULT_RETENTION_DAYS,
  purgeSearchHistory,
  type RetentionOptions,
  type RetentionProgress,
  type RetentionResult,
} from './maintenance/retention.ts';
/** Creating, reading and paging documents as a user may see them. */
export {
  type CreateDocumentInput,
  type DocumentDetail,
  type DocumentPage,
  type DocumentPageOptions,
  DocumentRepository,
  type DocumentSummary,
  MAX_DOCUMENT_PAGE,
} from './repositories/document.repository.ts';
/** Recording searches, their responses and feedback, and reading history. */
export {
  type HistoryOptions,
  type HistoryPage,
  MAX_HISTORY_PAGE,
  type RecordedSearch,
  type RecordSearchInput,
  type SearchHistoryEntry,
  SearchRepository,
} from './repositories/search.repository.ts';
