import { userFactory } from '@tessera/identity/testing';
import { useTestDatabase } from '@tessera/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { knowledge } from '../src/context.ts';
import { visibleDocumentsSql } from '../src/security/access.ts';

const db = useTestDatabase(knowledge);

/** The names of the indexes a plan scans, read from EXPLAIN (FORMAT JSON). */
async function indexesUsed(text: string, values: unknown[] = []): Promise<string[]> {
  const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${text}`, values);
  const found: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Index Name'] === 'string') found.push(node['Index Name']);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  const plans = (row?.['QUERY PLAN'] ?? []) as { Plan: Record<string, unknown> }[];
  walk(plans[0]?.Plan ?? {});
  return found;
}

let userId = '';

// Enough rows that a sequential scan is no longer the cheapest plan: 20k documents (1 in 200 tagged "rare",
// 1 in 250 with a "confidential" key), 20k users and 20k queries, inserted in bulk, then VACUUM ANALYZEd.
beforeAll(async () => {
  userId = (await userFactory(db.em(), { accessLevel: 3 })).id;
  await db.query(`insert into knowledge.documents (id, title, content, document_type, source, access_level, department, metadata)
    select gen_random_uuid(), 'doc ' || i, 'content ' || i, 'PDF', '/bulk/' || i, 1 + i % 3,
           case when i % 4 = 0 then 'Dept' || (i % 10) end,
           case when i % 200 = 0 then jsonb_build_object('tags', jsonb_build_array('rare', 'rag'), 'page_count', i)
                when i % 250 = 1 then jsonb_build_object('confidential', true)
                else jsonb_build_object('tags', jsonb_build_array('common'), 'page_count', i) end
      from generate_series(1, 20000) i`);
  await db.query(`insert into identity.users (id, email, username, access_level)
    select gen_random_uuid(), 'bulk' || i || '@example.com', 'bulk' || i, 1 from generate_series(1, 20000) i`);
  await db.query(
    `insert into knowledge.search_queries (id, user_id, query, session_id, "timestamp")
    select gen_random_uuid(), $1, 'q ' || i, 's' || (i % 2000), now() - i * interval '1 hour'
      from generate_series(1, 20000) i`,
    [userId],
  );
  // VACUUM (not only ANALYZE) also flushes the GIN index's pending list, as autovacuum does in production;
  // until then the planner prices a GIN scan as a read of the whole unsorted pending list.
  await db.query('vacuum analyze knowledge.documents, identity.users, knowledge.search_queries');
}, 60_000);

describe('index use, read from EXPLAIN', () => {
  it('JSONB containment through the repository SQL uses the GIN index ix_documents_metadata', async () => {
    const q = visibleDocumentsSql(userId, {
      where: (param) => `d.metadata @> ${param('{"tags":["rare"]}')}::jsonb`,
      limit: 51,
    });
    expect(await indexesUsed(q.text, q.values)).toContain('ix_documents_metadata');
  });

  it('JSONB key existence (?) through the repository SQL uses the GIN index', async () => {
    const q = visibleDocumentsSql(userId, { where: (param) => `d.metadata ? ${param('confidential')}`, limit: 51 });
    expect(q.text).toContain('d.metadata ? $2');
    expect(await indexesUsed(q.text, q.values)).toContain('ix_documents_metadata');
  });

  it('a user looked up by e-mail uses the unique index on email', async () => {
    expect(await indexesUsed('select * from identity.users where email = $1', ['bulk77@example.com'])).toEqual([
      'uq_users_email',
    ]);
  });

  it('history by user, by session and retention by timestamp use their indexes', async () => {
    const otherUser = (await db.query<{ id: string }>(`select id from identity.users where username = 'bulk5'`))[0]?.id;
    expect(await indexesUsed('select * from knowledge.search_queries where user_id = $1', [otherUser])).toEqual([
      'ix_search_queries_user_id',
    ]);
    expect(await indexesUsed('select * from knowledge.search_queries where session_id = $1', ['s7'])).toEqual([
      'ix_search_queries_session_id',
    ]);
    expect(
      await indexesUsed(
        `select id from knowledge.search_queries where "timestamp" < now() - interval '19990 hours' order by "timestamp" limit 100`,
      ),
    ).toEqual(['ix_search_queries_timestamp']);
  });
});
