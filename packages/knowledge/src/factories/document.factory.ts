import { faker } from '@faker-js/faker';
import type { EntityManager } from '@mikro-orm/postgresql';
import { flushOrDetach, uniqueSuffix } from '@tessera/kernel';
import { DOCUMENT_TYPES, Document, type IDocument } from '../entities/document.entity.ts';

/** Fields a test may override on a document. */
export type DocumentOverrides = Partial<Omit<IDocument, 'id'>>;

/** The fields of a new document. */
export type DocumentData = Omit<IDocument, 'id' | 'createdAt' | 'updatedAt'>;

/** Plausible document data (no write): a title, a paragraph, a type, a source path and metadata. */
export function documentData(overrides: DocumentOverrides = {}): DocumentData {
  const documentType = faker.helpers.arrayElement(DOCUMENT_TYPES);
  const extension = documentType === 'MARKDOWN' ? 'md' : documentType.toLowerCase();
  return {
    title: faker.lorem.sentence({ min: 3, max: 8 }),
    content: faker.lorem.paragraphs(2),
    documentType,
    source: `/docs/${faker.system.commonFileName(extension).replace(/\.[^.]+$/, '')}-${uniqueSuffix()}.${extension}`,
    accessLevel: 1,
    department: null,
    metadata: { page_count: faker.number.int({ min: 1, max: 300 }), author: faker.person.fullName() },
    ...overrides,
  } as DocumentData;
}

/** Persists (and flushes) a valid document visible to everyone (level 1, no department); override any field. */
export async function documentFactory(em: EntityManager, overrides: DocumentOverrides = {}): Promise<IDocument> {
  const document = em.create(Document, documentData(overrides));
  await flushOrDetach(em, [document]);
  return document;
}

/** Makes the factories' generated values reproducible from here on (sample data that is the same on every run). */
export function seedFactories(seed: number): void {
  faker.seed(seed);
}
