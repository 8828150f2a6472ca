import { User } from '@tessera/identity';
import { DEMO_DEPARTMENTS, DEMO_USERS_PER_SCALE, demoUserEmail } from '@tessera/identity/seed';
import { type Seeder, type SeedReport, tally } from '@tessera/kernel';
import { documentData, seedFactories } from './factories/document.factory.ts';
import { feedbackFactory, searchQueryFactory, searchResponseFactory } from './factories/search.factory.ts';
import { Document, SearchQuery } from './index.ts';

/** The sample documents (their source path is the natural key). */
export const SAMPLE_DOCUMENTS = [
  {
    title: 'Company Handbook',
    content: 'This is the company handbook...',
    documentType: 'PDF',
    source: '/docs/handbook.pdf',
    accessLevel: 1,
    department: null,
    metadata: { page_count: 50, version: '2024.1' },
  },
  {
    title: 'Engineering Best Practices',
    content: 'Best practices for engineering...',
    documentType: 'MARKDOWN',
    source: '/docs/engineering-bp.md',
    accessLevel: 2,
    department: 'Engineering',
    metadata: { tags: ['engineering', 'best-practices'] },
  },
  {
    title: 'Confidential Strategy',
    content: 'Company strategy for 2025...',
    documentType: 'DOCX',
    source: '/docs/strategy-2025.docx',
    accessLevel: 3,
    department: 'Management',
    metadata: { confidential: true },
  },
] as const;

/** Demo documents and demo searches per unit of `--scale`. */
export const DEMO_DOCUMENTS_PER_SCALE = 50;
export const DEMO_SEARCHES_PER_SCALE = 20;

const demoSource = (i: number) => `/demo/documents/doc-${String(i).padStart(6, '0')}`;
const demoSession = (i: number) => `demo-session-${String(i).padStart(6, '0')}`;

/**
 * The sample documents, `50 × scale` demo documents (found again by source path) and `20 × scale`
 * demo searches with answers and, for every other one, feedback (found again by session id), spread over
 * the last 120 days so `tessera retention` has old history to delete.
 */
export const knowledgeSeeder: Seeder = {
  async run({ em, scale }) {
    const report: SeedReport = {};

    const docs = [
      ...SAMPLE_DOCUMENTS.map((d) => ({ ...d, metadata: { ...d.metadata } })),
      ...Array.from({ length: DEMO_DOCUMENTS_PER_SCALE * scale }, (_, i) => {
        seedFactories(1_000_000 + i); // the same content for document i on every run and every machine
        const data = documentData({
          accessLevel: (i % 3) + 1,
          department: i % 4 === 0 ? (DEMO_DEPARTMENTS[i % DEMO_DEPARTMENTS.length] as string) : null,
        });
        const extension = data.source.slice(data.source.lastIndexOf('.'));
        return { ...data, source: `${demoSource(i)}${extension}` };
      }),
    ];
    const known = new Set(
      (await em.find(Document, { source: { $in: docs.map((d) => d.source) } }, { fields: ['source'] })).map(
        (d) => d.source,
      ),
    );
    const newDocs = docs.filter((d) => !known.has(d.source));
    for (const d of newDocs) em.create(Document, d);
    await em.flush();
    tally(report, 'documents', newDocs.length, known.size);

    const users = await em.find(
      User,
      { email: { $in: Array.from({ length: DEMO_USERS_PER_SCALE * scale }, (_, i) => demoUserEmail(i)) } },
      { orderBy: { email: 'asc' } },
    );
    const demoDocs = await em.find(
      Document,
      { source: { $like: '/demo/documents/%' } },
      { fields: ['id', 'title'], orderBy: { source: 'asc' }, limit: 100 },
    );
    const sessions = Array.from({ length: DEMO_SEARCHES_PER_SCALE * scale }, (_, i) => demoSession(i));
    const seen = new Set(
      (await em.find(SearchQuery, { sessionId: { $in: sessions } }, { fields: ['sessionId'] })).map((q) => q.sessionId),
    );
    let created = 0;
    for (const [i, sessionId] of sessions.entries()) {
      const user = users[i % users.length];
      if (seen.has(sessionId) || !user) continue;
      seedFactories(2_000_000 + i);
      const source = demoDocs[i % Math.max(demoDocs.length, 1)];
      const query = await searchQueryFactory(em, {
        user,
        sessionId,
        timestamp: new Date(Date.now() - (i % 120) * 86_400_000),
      });
      await searchResponseFactory(em, {
        query,
        sources: source ? [{ documentId: source.id, title: source.title, score: 0.87 }] : [],
      });
      if (i % 2 === 0) await feedbackFactory(em, { query, user, rating: (i % 5) + 1 });
      created += 1;
    }
    tally(report, 'searches', created, seen.size);
    return report;
  },
};

/** The context's seeder, as its `seed` loader hands it to the platform. */
export { knowledgeSeeder as seeder };
