import { identity } from '@tessera/identity';
import { defineContext } from '@tessera/kernel';
import { Document } from './entities/document.entity.ts';
import { SearchQuery } from './entities/search-query.entity.ts';
import { SearchResponse } from './entities/search-response.entity.ts';
import { UserFeedback } from './entities/user-feedback.entity.ts';
import { migrations } from './migrations/index.ts';

/** The knowledge context: documents, search queries, responses and feedback of the RAG platform. Schema `knowledge`. */
export const knowledge = defineContext({
  name: 'knowledge',
  dependsOn: [identity],
  entities: [Document, SearchQuery, SearchResponse, UserFeedback],
  migrations,
  // Sample data for `tessera seed`, loaded only when seeding: factories and faker stay out of the runtime entry.
  seed: () => import('./seed.ts'),
});
