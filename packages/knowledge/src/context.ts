import { identity } from '@tessera/identity';
import { defineContext } from '@tessera/kernel';
import { migrations } from './migrations/index.ts';

/** The knowledge context: documents, search queries, responses and feedback of the RAG platform. Schema `knowledge`. */
export const knowledge = defineContext({
  name: 'knowledge',
  dependsOn: [identity],
  entities: [],
  migrations,
});
