import { userFactory } from '@tessera/identity/testing';
import { CheckViolationError, translateDbError, ValidationError } from '@tessera/kernel';
import { itRefusesBadInput, useTestDatabase } from '@tessera/testing';
import { beforeAll, describe } from 'vitest';
import { knowledge } from '../src/context.ts';
import {
  type CreateDocumentInput,
  DocumentRepository,
  type RecordSearchInput,
  SearchRepository,
} from '../src/index.ts';
import { documentFactory } from '../src/testing.ts';

const db = useTestDatabase(knowledge);
const schemas = ['knowledge'];

let userId: string;
let documentId: string;
beforeAll(async () => {
  userId = (await userFactory(db.em())).id;
  documentId = (await documentFactory(db.em())).id;
});

const doc = (overrides: Record<string, unknown>) => () =>
  new DocumentRepository(db.em()).create({
    title: 'Doc',
    content: 'text',
    documentType: 'TXT',
    source: 'upload',
    ...overrides,
  } as CreateDocumentInput);
const search = (overrides: Record<string, unknown>) => () =>
  new SearchRepository(db.em()).recordSearch({
    userId,
    query: 'q',
    answer: 'a',
    sources: [{ documentId }],
    responseTimeMs: 12,
    ...overrides,
  } as RecordSearchInput);

describe('knowledge refuses bad input with a typed error naming the field, and writes nothing', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'a NUL byte in document content',
      run: doc({ content: 'a\0b' }),
      error: ValidationError,
      entity: 'Document',
      field: 'content',
    },
    {
      name: 'a NUL byte in a title',
      run: doc({ title: '\0' }),
      error: ValidationError,
      entity: 'Document',
      field: 'title',
    },
    {
      name: 'a number for a title',
      run: doc({ title: 12 }),
      error: ValidationError,
      entity: 'Document',
      field: 'title',
    },
    {
      name: 'Infinity for an access level',
      run: doc({ accessLevel: Number.POSITIVE_INFINITY }),
      error: ValidationError,
      entity: 'Document',
      field: 'accessLevel',
    },
    {
      name: 'metadata as a JSON string on a document',
      run: doc({ metadata: '{"lang":"en"}' }),
      error: CheckViolationError,
      entity: 'Document',
      field: 'metadata',
    },
    {
      name: 'a NUL byte in document metadata',
      run: doc({ metadata: { tags: ['\0'] } }),
      error: ValidationError,
      entity: 'Document',
      field: 'metadata',
    },
    {
      name: 'a NUL byte in a search answer',
      run: search({ answer: 'yes\0' }),
      error: ValidationError,
      entity: 'SearchResponse',
      field: 'answer',
    },
    {
      name: 'a NUL byte in a search query',
      run: search({ query: '\0' }),
      error: ValidationError,
      entity: 'SearchQuery',
      field: 'query',
    },
    {
      name: 'a NUL byte in a source title',
      run: search({ sources: [{ documentId, title: 't\0' }] }),
      error: ValidationError,
      entity: 'SearchResponse',
      field: 'sources',
    },
    {
      name: 'NaN for a response time',
      run: search({ responseTimeMs: Number.NaN }),
      error: ValidationError,
      entity: 'SearchResponse',
      field: 'responseTimeMs',
    },
    {
      name: 'a NUL byte in a feedback comment',
      run: search({ feedback: { rating: 4, comment: 'ok\0' } }),
      error: ValidationError,
      entity: 'UserFeedback',
      field: 'comment',
    },
    {
      name: 'a NUL byte in a metadata search pattern',
      run: () => new DocumentRepository(db.em()).findByMetadata(userId, { lang: 'e\0' }),
      error: ValidationError,
      entity: 'Document',
      field: 'metadata',
    },
  ]);
});

describe('the database refuses non-object document metadata, also from outside the application', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'raw SQL metadata as a number',
      run: () =>
        db
          .query(`update knowledge.documents set metadata = '3'::jsonb where id = $1`, [documentId])
          .catch((e: unknown) => {
            throw translateDbError(e, db.orm.getMetadata());
          }),
      error: CheckViolationError,
      entity: 'Document',
      field: 'metadata',
    },
  ]);
});
