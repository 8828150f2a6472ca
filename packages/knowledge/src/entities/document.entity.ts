import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty, jsonObjectCheck, timestampProperties, updatedAtTrigger } from '@tessera/kernel';

/** The document formats the knowledge base ingests. */
export const DOCUMENT_TYPES = ['PDF', 'DOCX', 'TXT', 'MARKDOWN'] as const;

/** One of {@link DOCUMENT_TYPES}. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Access levels 1 (L1, everyone) to 3 (L3, most restricted), shared by users and documents. */
export const ACCESS_LEVELS = [1, 2, 3] as const;

const isAccessLevel = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 3;

const checks = defineChecks('Document', 'knowledge.documents', [
  {
    name: 'access_level_range',
    property: 'accessLevel',
    expression: 'access_level >= 1 and access_level <= 3',
    test: isAccessLevel,
    message: 'must be an integer from 1 to 3',
  },
  {
    name: 'document_type_known',
    property: 'documentType',
    expression: "document_type ~ '^(PDF|DOCX|TXT|MARKDOWN)$'",
    test: (v: string) => (DOCUMENT_TYPES as readonly string[]).includes(v),
    message: `must be one of ${DOCUMENT_TYPES.join(', ')}`,
  },
  {
    // A department of '' would silently mean "restricted to nobody"; unrestricted is NULL.
    name: 'department_not_empty',
    property: 'department',
    expression: 'length(trim(both from department)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty (use null for a document every department may see)',
  },
  // Metadata, when present, is a JSON object by contract (searched with @> and ?); a string or array is refused.
  jsonObjectCheck('metadata', 'metadata'),
]);

/** A document of the RAG platform: its text, where it came from, and who may see it. */
export const Document = defineEntity({
  name: 'Document',
  tableName: 'documents',
  schema: 'knowledge',
  properties: {
    id: idProperty(),
    title: p.string().length(500),
    content: p.text(),
    documentType: p.string().length(50),
    /** The original file's path. */
    source: p.string().length(500),
    accessLevel: p.smallint().default(1).index(),
    /** The only department that may see the document; null: every department. */
    department: p.string().length(50).nullable().index(),
    /** Page count, size, author, tags…: varies by document type; GIN-indexed for `@>` and `?`. */
    metadata: p.json<Record<string, unknown>>().nullable(),
    ...timestampProperties(),
  },
  indexes: [{ name: 'ix_documents_metadata', properties: ['metadata'], type: 'gin' }],
  checks,
  triggers: [updatedAtTrigger('documents')],
});

/** A loaded document. */
export type IDocument = InferEntity<typeof Document>;
