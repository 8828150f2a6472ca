import { UserRepository } from '@tessera/identity';
import { uniqueSuffix } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { knowledge } from '../src/context.ts';
import { DocumentRepository, SearchRepository } from '../src/index.ts';

const db = useTestDatabase(knowledge);

describe('integration test 1: the full search workflow', () => {
  it('user created -> documents found -> search answered and recorded -> feedback -> history', async () => {
    const n = uniqueSuffix();
    const user = await new UserRepository(db.em()).register({
      email: `flow${n}@example.com`,
      username: `flow${n}`,
      department: 'Engineering',
      accessLevel: 2,
    });
    const docs = new DocumentRepository(db.em());
    const guide = await docs.create({
      title: 'Engineering Best Practices',
      content: 'Best practices for engineering...',
      documentType: 'MARKDOWN',
      source: `/docs/engineering-bp-${n}.md`,
      accessLevel: 2,
      department: 'Engineering',
      metadata: { tags: ['engineering', 'best-practices', n] },
    });
    const found = await docs.findByMetadata(user.id, { tags: [n] });
    expect(found.items.map((d) => d.title)).toEqual(['Engineering Best Practices']);

    const searches = new SearchRepository(db.em());
    const { query } = await searches.recordSearch({
      userId: user.id,
      query: 'What are our engineering best practices?',
      sessionId: `session-${n}`,
      answer: 'Review code, test against real databases.',
      sources: found.items.map((d) => ({ documentId: d.id, title: d.title })),
      responseTimeMs: 840,
    });
    await searches.addFeedback({ queryId: query.id, userId: user.id, rating: 5, comment: 'Spot on' });

    const history = await new SearchRepository(db.em()).historyOfSession(`session-${n}`);
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({
      query: 'What are our engineering best practices?',
      response: { sources: [{ documentId: guide.id, title: 'Engineering Best Practices' }], responseTimeMs: 840 },
      feedback: [{ rating: 5, comment: 'Spot on' }],
    });
  });
});

describe('integration test 2: access control', () => {
  it('an L1 user does not get L2 documents, an L2 user of the department does, in every read', async () => {
    const n = uniqueSuffix();
    const users = new UserRepository(db.em());
    const intern = await users.register({
      email: `intern${n}@example.com`,
      username: `intern${n}`,
      department: 'Engineering',
      accessLevel: 1,
    });
    const engineer = await users.register({
      email: `eng${n}@example.com`,
      username: `eng${n}`,
      department: 'Engineering',
      accessLevel: 2,
    });
    const docs = new DocumentRepository(db.em());
    const handbook = await docs.create({
      title: 'Company Handbook',
      content: 'handbook',
      documentType: 'PDF',
      source: `/docs/handbook-${n}.pdf`,
      accessLevel: 1,
      metadata: { run: n, page_count: 50 },
    });
    const practices = await docs.create({
      title: 'Engineering Best Practices',
      content: 'practices',
      documentType: 'MARKDOWN',
      source: `/docs/bp-${n}.md`,
      accessLevel: 2,
      department: 'Engineering',
      metadata: { run: n, tags: ['engineering'] },
    });
    const ids = (page: { items: { id: string }[] }) => page.items.map((d) => d.id);

    expect(ids(await docs.findByMetadata(intern.id, { run: n }))).toEqual([handbook.id]);
    expect(ids(await docs.findByMetadata(engineer.id, { run: n }))).toEqual([handbook.id, practices.id]);
    expect(ids(await docs.findWithMetadataKey(intern.id, 'tags'))).not.toContain(practices.id);
    expect(ids(await docs.findWithMetadataKey(engineer.id, 'tags'))).toContain(practices.id);
    expect(ids(await docs.listVisible(intern.id, { limit: 500 }))).not.toContain(practices.id);
    await expect(docs.getVisible(intern.id, practices.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await docs.getVisible(engineer.id, practices.id)).content).toBe('practices');
  });
});
