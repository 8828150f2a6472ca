/**
 * Document reads at 100k documents: the repository (access-filtered listing; JSONB containment on the GIN
 * index) against the very same SQL sent with raw `pg`, in the same run, alternating which goes first.
 * Prints p50/p95 and their ratios (goal: repository <= 1.3x raw on both); timings never make it fail.
 * Server: TEST_DATABASE_URL or DATABASE_URL (admin URL), else startTestServer().
 * BENCH_DOCUMENTS (default 100000), BENCH_ITERATIONS (default 400), BENCH_WARMUP (default 200, per case).
 */
import { randomUUIDv7 } from 'node:crypto';
import { userFactory } from '@tessera/identity/testing';
import { createOrm } from '@tessera/kernel';
import { loadLine, machineLine, percentiles, startTestServer } from '@tessera/test-server';
import { createTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { knowledge } from '../src/context.ts';
import { DocumentRepository } from '../src/index.ts';
import { visibleDocumentsSql } from '../src/security/access.ts';

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 400);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const GOAL = 1.3;
const DEPARTMENTS = ['Engineering', 'Management', 'Sales', 'Support', 'Finance'];
const TAGS = ['policy', 'howto', 'security', 'onboarding', 'finance', 'architecture', 'release', 'incident'];

const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const server = configured ? { adminUrl: configured, stop: async () => {} } : await startTestServer();
process.env.TESSERA_TEST_ADMIN_URL = server.adminUrl;
const db = await createTestDatabase([knowledge]);
const orm = await createOrm(db.composition, db.url, { pool: { min: 1, max: 2 } });
const raw = new pg.Pool({ connectionString: db.url, max: 2 });

try {
  // 100k documents in one INSERT … SELECT unnest(…) (the bulk path): UUIDv7 ids, levels 1-3, a quarter of them
  // restricted to a department, metadata with page count, author and two tags (one of eight, then one of 40).
  const ids = Array.from({ length: DOCUMENTS }, () => randomUUIDv7());
  await raw.query(
    `insert into knowledge.documents (id, title, content, document_type, source, access_level, department, metadata)
     select id, 'Document ' || i, 'content of document ' || i, (array['PDF','DOCX','TXT','MARKDOWN'])[1 + i % 4],
            '/bench/' || i, 1 + (i / 7) % 3, case when i % 4 = 0 then ($2::text[])[1 + (i / 4) % 5] end,
            jsonb_build_object('page_count', 1 + i % 300, 'author', 'author ' || (i % 97),
                               'tags', jsonb_build_array(($3::text[])[1 + i % 8], 'topic-' || (i % 40)))
              || case when i % 50 = 0 then '{"confidential": true}'::jsonb else '{}'::jsonb end
       from unnest($1::uuid[]) with ordinality as t(id, i)`,
    [ids, DEPARTMENTS, TAGS],
  );
  // VACUUM also empties the GIN pending list, as autovacuum would after a bulk load.
  await raw.query('vacuum analyze knowledge.documents');
  const viewer = await userFactory(orm.em.fork(), { accessLevel: 2, department: 'Engineering' });

  const [{ version = '?' } = {}] = (await raw.query('select version()')).rows;
  console.log(version);
  console.log(`machine:     ${machineLine()}, load average ${loadLine()}`);
  console.log(`node:        ${process.version}`);
  console.log(
    `documents:   ${DOCUMENTS} (viewer: level 2, Engineering); ${ITERATIONS} iterations after ${WARMUP} warm-up, alternating`,
  );
  console.log('');

  const pattern = { tags: ['security', 'topic-2'] };
  const cases = [
    {
      name: 'access-filtered listing, page of 50',
      repo: () => new DocumentRepository(orm.em.fork()).listVisible(viewer.id, { limit: 50 }),
      sql: visibleDocumentsSql(viewer.id, { limit: 51 }),
    },
    {
      name: 'access-filtered listing, page after a cursor',
      repo: () =>
        new DocumentRepository(orm.em.fork()).listVisible(viewer.id, { limit: 50, cursor: ids[DOCUMENTS / 2] ?? null }),
      sql: visibleDocumentsSql(viewer.id, { limit: 51, afterId: ids[DOCUMENTS / 2] ?? null }),
    },
    {
      name: 'JSONB containment @> (GIN), page of 50',
      repo: () => new DocumentRepository(orm.em.fork()).findByMetadata(viewer.id, pattern, { limit: 50 }),
      sql: visibleDocumentsSql(viewer.id, {
        where: (param) => `d.metadata @> ${param(JSON.stringify(pattern))}::jsonb`,
        limit: 51,
      }),
    },
  ];

  const pct = (xs: number[], q: 0.5 | 0.95) => (q === 0.5 ? percentiles(xs).median : percentiles(xs).p95);
  const results: string[] = [];
  console.log('measurement                                        path          rows   p50 ms   p95 ms');
  for (const c of cases) {
    const q = c.sql;
    const rawRun = async () => (await raw.query(q.text, q.values)).rows.length;
    const repoRun = async () => (await c.repo()).items.length;
    // Same answer both ways, or the comparison means nothing.
    const [a, b] = [await rawRun(), await repoRun()];
    if (Math.min(a, 50) !== b || b === 0) throw new Error(`${c.name}: raw pg returned ${a} rows, the repository ${b}`);
    const times: Record<'raw' | 'repo', number[]> = { raw: [], repo: [] };
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const order: ('raw' | 'repo')[] = i % 2 === 0 ? ['raw', 'repo'] : ['repo', 'raw'];
      for (const path of order) {
        const start = performance.now();
        await (path === 'raw' ? rawRun() : repoRun());
        if (i >= WARMUP) times[path].push(performance.now() - start);
      }
    }
    for (const path of ['raw', 'repo'] as const) {
      console.log(
        `${c.name.padEnd(50)} ${(path === 'raw' ? 'raw pg' : 'repository').padEnd(12)} ${String(b).padStart(5)} ${pct(times[path], 0.5).toFixed(3).padStart(8)} ${pct(times[path], 0.95).toFixed(3).padStart(8)}`,
      );
    }
    const p50 = pct(times.repo, 0.5) / pct(times.raw, 0.5);
    const p95 = pct(times.repo, 0.95) / pct(times.raw, 0.95);
    results.push(
      `${c.name}: repository ${p50.toFixed(2)}x raw pg at p50, ${p95.toFixed(2)}x at p95 (goal <= ${GOAL}x): ${p50 <= GOAL && p95 <= GOAL ? 'MET' : 'NOT MET'}`,
    );
  }
  console.log('');
  for (const line of results) console.log(line);
  console.log(`load average after: ${loadLine()}`);
} finally {
  await orm.close(true);
  await raw.end();
  await db.drop();
  await server.stop();
}
