import {
  declareConsistency,
  idCursor,
  isUuid,
  jsonProblem,
  NotFoundError,
  newId,
  pageLimit,
  Repository,
  sql,
  statementName,
  translated,
  ValidationError,
  validateEntity,
} from '@tessera/kernel';
import { Document, type DocumentType } from '../entities/document.entity.ts';
import { type DocumentCondition, FULL_COLUMNS, visibleDocumentsSql } from '../security/access.ts';

/** A document as listings return it: plain, typed, without its `content`. */
export interface DocumentSummary {
  id: string;
  title: string;
  documentType: DocumentType;
  source: string;
  accessLevel: number;
  department: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A document with its content. */
export interface DocumentDetail extends DocumentSummary {
  content: string;
}

/** What {@link DocumentRepository.create} needs. */
export interface CreateDocumentInput {
  title: string;
  content: string;
  documentType: DocumentType;
  source: string;
  accessLevel?: number;
  department?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** Paging of the document reads: page size (1 to {@link MAX_DOCUMENT_PAGE}, default 50) and cursor. */
export interface DocumentPageOptions {
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** One page of documents in creation order, and the cursor of the next page (null on the last). */
export interface DocumentPage<T = DocumentSummary> {
  items: T[];
  nextCursor: string | null;
}

/** The largest page a document read returns. */
export const MAX_DOCUMENT_PAGE = 500;

const INSERT_DOCUMENT =
  'insert into knowledge.documents (id, title, content, document_type, source, access_level, department, metadata) ' +
  'values ($1, $2, $3, $4, $5, $6, $7, $8) returning *';

type Row = Record<string, unknown>;

function toSummary(r: Row): DocumentSummary {
  return {
    id: r.id as string,
    title: r.title as string,
    documentType: r.document_type as DocumentType,
    source: r.source as string,
    accessLevel: r.access_level as number,
    department: r.department as string | null,
    metadata: r.metadata as Record<string, unknown> | null,
    // Raw rows from MikroORM carry timestamps as strings.
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

/**
 * Documents, always read through the access rule ({@link visibleDocumentsSql}): there is no
 * read that skips it. Reads are the hot path, so they run one SQL statement and return typed plain rows
 * (no hydration, no identity map); writes go through the entity and its checks.
 */
export class DocumentRepository extends Repository {
  /** Creates a document; bad input is a typed field error before any write. */
  async create(input: CreateDocumentInput): Promise<DocumentDetail> {
    const data = {
      title: input.title,
      content: input.content,
      documentType: input.documentType,
      source: input.source,
      accessLevel: input.accessLevel ?? 1,
      department: input.department ?? null,
      metadata: input.metadata ?? null,
    };
    validateEntity(this.em.getMetadata(Document), data);
    // One statement, one round trip; a constraint violation comes back as the typed error naming the field.
    const [row] = await sql(this.em, {
      name: 'knowledge.documents.insert',
      entity: Document,
      text: INSERT_DOCUMENT,
      values: [
        newId(),
        data.title,
        data.content,
        data.documentType,
        data.source,
        data.accessLevel,
        data.department,
        data.metadata === null ? null : JSON.stringify(data.metadata),
      ],
    });
    // The same plain document the reads return (no hydration into the unit of work).
    return { ...toSummary(row as Row), content: (row as Row).content as string };
  }

  /** The documents user `userId` may see, in creation order. */
  async listVisible(userId: string, options: DocumentPageOptions = {}): Promise<DocumentPage> {
    return this.#page(userId, undefined, options);
  }

  /** Visible documents whose metadata contains `pattern` (`metadata @> pattern`, served by the GIN index). */
  async findByMetadata(
    userId: string,
    pattern: Record<string, unknown>,
    options: DocumentPageOptions = {},
  ): Promise<DocumentPage> {
    if (pattern === null || typeof pattern !== 'object') {
      throw new ValidationError('Document', 'metadata', 'the containment pattern must be a JSON object or array');
    }
    const problem = jsonProblem(pattern);
    if (problem) throw new ValidationError('Document', 'metadata', `the containment pattern ${problem}`);
    return this.#page(userId, (param) => `d.metadata @> ${param(JSON.stringify(pattern))}::jsonb`, options, 'custom');
  }

  /** Visible documents whose metadata has the top-level key `key` (`metadata ? key`, served by the GIN index). */
  async findWithMetadataKey(userId: string, key: string, options: DocumentPageOptions = {}): Promise<DocumentPage> {
    if (typeof key !== 'string' || key.length === 0 || key.includes('\0')) {
      throw new ValidationError('Document', 'metadata', 'the key must be a non-empty string without NUL bytes');
    }
    return this.#page(userId, (param) => `d.metadata ? ${param(key)}`, options, 'custom');
  }

  /** The document with its content if user `userId` may see it; NotFoundError otherwise (absent or hidden alike). */
  async getVisible(userId: string, id: string): Promise<DocumentDetail> {
    const rows =
      isUuid(id) && isUuid(userId)
        ? await this.#run(userId, (param) => `d.id = ${param(id)}`, null, 1, FULL_COLUMNS)
        : [];
    const row = rows[0];
    // Hidden and absent look the same, so a probe cannot learn that a restricted document exists.
    if (!row) throw new NotFoundError('Document', { id });
    return { ...toSummary(row), content: row.content as string };
  }

  /** Deletes a document; returns false when there was none. */
  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await translated(this.em, () => this.em.nativeDelete(Document, { id }))) > 0;
  }

  /**
   * `plan: 'custom'` for a condition whose best plan depends on its value (how many documents a JSON pattern or key
   * matches decides between the GIN index and the id order): the statement is then sent unnamed, planned for
   * each value, rather than prepared once with a generic plan.
   */
  async #page(
    userId: string,
    where: DocumentCondition | undefined,
    options: DocumentPageOptions,
    plan: 'prepared' | 'custom' = 'prepared',
  ): Promise<DocumentPage> {
    const limit = pageLimit('Document', options.limit, { max: MAX_DOCUMENT_PAGE, default: 50 });
    const afterId = idCursor('Document', options.cursor);
    if (!isUuid(userId)) return { items: [], nextCursor: null };
    // One row more than the page tells whether there is a next page, without a count(*).
    const rows = await this.#run(userId, where, afterId, limit + 1, undefined, plan);
    const items = rows.slice(0, limit).map(toSummary);
    return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
  }

  #run(
    userId: string,
    where: DocumentCondition | undefined,
    afterId: string | null,
    limit: number,
    columns?: string,
    plan: 'prepared' | 'custom' = 'prepared',
  ) {
    const { text, values } = visibleDocumentsSql(userId, {
      ...(columns ? { columns } : {}),
      ...(where ? { where } : {}),
      afterId,
      limit,
    });
    if (plan === 'custom') return sql<Row>(this.em, { text, values });
    return sql<Row>(this.em, { name: statementName('knowledge.documents.visible', text), text, values });
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(DocumentRepository, {
  reads: {
    listVisible: 'read-your-writes',
    findByMetadata: 'read-your-writes',
    findWithMetadataKey: 'read-your-writes',
    getVisible: 'read-your-writes',
  },
  writes: ['create', 'delete'],
});
