import { userFactory } from '@tessera/identity/testing';
import {
  CheckViolationError,
  NotFoundError,
  NotNullViolationError,
  uniqueSuffix,
  ValidationError,
} from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { knowledge } from '../src/context.ts';
import { type CreateDocumentInput, DocumentRepository } from '../src/index.ts';
import { documentFactory } from '../src/testing.ts';

const db = useTestDatabase(knowledge);

const valid = (overrides: Partial<CreateDocumentInput> = {}): CreateDocumentInput => ({
  title: 'Test Document',
  content: 'This is test content',
  documentType: 'PDF',
  source: '/path/to/test.pdf',
  ...overrides,
});

/** Creates, expecting a typed error; returns it and how many documents with that source exist afterwards. */
async function rejected(input: CreateDocumentInput) {
  const error = await new DocumentRepository(db.em()).create(input).catch((e: unknown) => e);
  const rows = await db.query('select 1 from knowledge.documents where source = $1', [input.source]);
  return { error, written: rows.length };
}

describe('DocumentRepository.create: documents and their JSONB metadata', () => {
  it('stores the document with its JSONB metadata, access level 1 by default', async () => {
    const doc = await new DocumentRepository(db.em()).create(
      valid({ source: '/docs/created.pdf', metadata: { page_count: 10, author: 'Test Author' } }),
    );
    const [row] = await db.query('select * from knowledge.documents where id = $1', [doc.id]);
    expect(row).toMatchObject({
      title: 'Test Document',
      document_type: 'PDF',
      access_level: 1,
      department: null,
      metadata: { page_count: 10, author: 'Test Author' },
    });
    expect(row?.created_at).toBeInstanceOf(Date);
  });

  it.each([
    ['accessLevel', { accessLevel: 4 }, 'ck_documents_access_level_range'],
    ['accessLevel', { accessLevel: 0 }, 'ck_documents_access_level_range'],
    ['documentType', { documentType: 'EXE' as 'PDF' }, 'ck_documents_document_type_known'],
    ['department', { department: '  ' }, 'ck_documents_department_not_empty'],
  ])('rejects a bad %s with a CheckViolationError before any write', async (field, overrides, constraint) => {
    const { error, written } = await rejected(valid({ source: `/bad/${constraint}-${field}`, ...overrides }));
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'Document', field, constraint });
    expect(written).toBe(0);
  });

  it('rejects a missing title and a too long source with field errors', async () => {
    const missing = await rejected(valid({ source: '/bad/no-title', title: undefined as unknown as string }));
    expect(missing.error).toBeInstanceOf(NotNullViolationError);
    expect(missing.error).toMatchObject({ entity: 'Document', field: 'title' });
    const long = await rejected(valid({ source: `/${'x'.repeat(600)}` }));
    expect(long.error).toBeInstanceOf(ValidationError);
    expect(long.error).toMatchObject({ entity: 'Document', field: 'source' });
    expect(missing.written + long.written).toBe(0);
  });

  it('the database itself rejects an access level or type outside the rules (writes from outside the ORM)', async () => {
    const insert = (level: number, type: string) =>
      db.query(
        `insert into knowledge.documents (id, title, content, document_type, source, access_level)
         values (gen_random_uuid(), 't', 'c', $2, '/raw', $1)`,
        [level, type],
      );
    await expect(insert(5, 'PDF')).rejects.toMatchObject({ constraint: 'ck_documents_access_level_range' });
    await expect(insert(1, 'pdf')).rejects.toMatchObject({ constraint: 'ck_documents_document_type_known' });
  });
});

describe("DocumentRepository reads: only documents at or below the user's level, unrestricted or of their department", () => {
  it('a user sees documents at or below their level, unrestricted or of their department', async () => {
    const em = db.em();
    const dept = `Eng-${Date.now() % 100000}`;
    const l1 = await documentFactory(em, { accessLevel: 1 });
    const l2 = await documentFactory(em, { accessLevel: 2 });
    const l3 = await documentFactory(em, { accessLevel: 3 });
    const mine = await documentFactory(em, { accessLevel: 2, department: dept });
    const theirs = await documentFactory(em, { accessLevel: 1, department: `${dept}-other` });
    const visible = async (accessLevel: number, department: string | null) => {
      const user = await userFactory(em, { accessLevel, department });
      const page = await new DocumentRepository(db.em()).listVisible(user.id, { limit: 500 });
      for (const d of page.items) expect(Number.isNaN(d.createdAt.getTime())).toBe(false);
      const ids = new Set(page.items.map((d) => d.id));
      return [l1, l2, l3, mine, theirs].filter((d) => ids.has(d.id)).map((d) => d.id);
    };
    expect(await visible(1, dept)).toEqual([l1.id]);
    expect(await visible(2, dept)).toEqual([l1.id, l2.id, mine.id]);
    expect(await visible(3, null)).toEqual([l1.id, l2.id, l3.id]);
    expect(await visible(3, `${dept}-other`)).toEqual([l1.id, l2.id, l3.id, theirs.id]);
  });

  it('a deactivated or unknown user sees nothing', async () => {
    const em = db.em();
    await documentFactory(em);
    const inactive = await userFactory(em, { accessLevel: 3, isActive: false });
    const repo = new DocumentRepository(db.em());
    expect((await repo.listVisible(inactive.id)).items).toEqual([]);
    expect((await repo.listVisible('00000000-0000-7000-8000-000000000000')).items).toEqual([]);
  });

  it('getVisible returns the content, and NotFoundError alike for a hidden and an absent document', async () => {
    const em = db.em();
    const secret = await documentFactory(em, { accessLevel: 3, content: 'the plan' });
    const boss = await userFactory(em, { accessLevel: 3 });
    const intern = await userFactory(em, { accessLevel: 1 });
    const repo = new DocumentRepository(db.em());
    expect(await repo.getVisible(boss.id, secret.id)).toMatchObject({ id: secret.id, content: 'the plan' });
    await expect(repo.getVisible(intern.id, secret.id)).rejects.toThrow(NotFoundError);
    await expect(repo.getVisible(boss.id, '00000000-0000-7000-8000-000000000000')).rejects.toThrow(NotFoundError);
  });

  it('pages through visible documents with a cursor, without repeats', async () => {
    const em = db.em();
    const user = await userFactory(em, { accessLevel: 1 });
    const dept = `Pg-${Date.now() % 100000}`;
    await userFactory(em); // unrelated
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await documentFactory(em, { department: dept })).id);
    const reader = await userFactory(em, { accessLevel: 1, department: dept });
    const repo = new DocumentRepository(db.em());
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await repo.listVisible(reader.id, { limit: 2, cursor });
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => mine.includes(id))).toEqual(mine);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await repo.listVisible(user.id, { limit: 500 })).items.some((d) => mine.includes(d.id))).toBe(false);
    await expect(repo.listVisible(user.id, { limit: 0 })).rejects.toMatchObject({ field: 'limit' });
    await expect(repo.listVisible(user.id, { cursor: 'nope' })).rejects.toMatchObject({ field: 'cursor' });
  });
});

describe('DocumentRepository JSONB metadata queries', () => {
  it('finds visible documents by containment (@>) and by key existence (?)', async () => {
    const em = db.em();
    const tag = `tag-${uniqueSuffix()}`;
    const a = await documentFactory(em, { metadata: { tags: [tag, 'rag'], priority: 1 } });
    const b = await documentFactory(em, { metadata: { tags: [tag], confidential: true } });
    const hidden = await documentFactory(em, { accessLevel: 3, metadata: { tags: [tag], confidential: true } });
    await documentFactory(em, { metadata: { tags: ['other'] } });
    const user = await userFactory(em, { accessLevel: 1 });
    const repo = new DocumentRepository(db.em());
    const ids = (page: { items: { id: string }[] }) => page.items.map((d) => d.id);
    expect(ids(await repo.findByMetadata(user.id, { tags: [tag] }))).toEqual([a.id, b.id]);
    expect(ids(await repo.findByMetadata(user.id, { tags: [tag, 'rag'], priority: 1 }))).toEqual([a.id]);
    const withKey = ids(await repo.findWithMetadataKey(user.id, 'confidential'));
    expect(withKey).toContain(b.id);
    expect(withKey).not.toContain(hidden.id);
    expect(withKey).not.toContain(a.id);
  });

  it('rejects a pattern that is not an object and an empty key', async () => {
    const user = await userFactory(db.em());
    const repo = new DocumentRepository(db.em());
    await expect(repo.findByMetadata(user.id, 'x' as unknown as Record<string, unknown>)).rejects.toMatchObject({
      entity: 'Document',
      field: 'metadata',
    });
    await expect(repo.findWithMetadataKey(user.id, '')).rejects.toThrow(ValidationError);
  });
});
