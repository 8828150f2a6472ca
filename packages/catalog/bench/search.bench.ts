/**
 * Full-text search benchmark: `SearchRepository.searchHandClips` over 1M hand clips (BENCH_CLIPS) against the
 * very same SQL through raw `pg`, measured within one run, alternating which goes first every round.
 * Goal: the repository's p95 at most 1.3x raw pg's p95. Server: TEST_DATABASE_URL (an admin URL), else a
 * test server started for the run. BENCH_ROUNDS (default 200) queries per side. Never fails on time.
 */
import { createOrm } from '@tessera/kernel';
import { loadLine, machineLine, percentiles, startTestServer } from '@tessera/test-server';
import { createTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { catalog } from '../src/context.ts';
import { SearchRepository } from '../src/index.ts';
import { CANDIDATES, HAND_CLIP_SEARCH_SQL } from '../src/repositories/search.repository.ts';

const CLIPS = Number(process.env.BENCH_CLIPS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const WARMUP = 20;
// Words with a known share of the clips' notes (so each query ranks a known number of matches), and phrases.
const TERMS = ['cooler', 'quads', '"hero call"', 'cooler -quads', 'slowroll or quads'];

const configured = process.env.TEST_DATABASE_URL;
const server = configured ? undefined : await startTestServer();
process.env.TESSERA_TEST_ADMIN_URL = configured ?? server?.adminUrl;
const db = await createTestDatabase([catalog]);
const raw = new pg.Client({ connectionString: db.url });
await raw.connect();
const orm = await createOrm(db.composition, db.url);

try {
  const [{ version }] = (await raw.query('select version()')).rows;
  console.log(version);
  console.log(`machine:     ${machineLine()}, load average ${loadLine()}`);
  let t = performance.now();
  // Server-side generation: 12 filler words per note, plus marker words at known rates (cooler 0.5%, quads 0.1%,
  // "hero call" 0.2%, slowroll 0.05%). The GIN index is rebuilt after the load, with the migration's definition.
  await raw.query('drop index catalog.ix_hand_clips_notes_search');
  await raw.query(
    `insert into catalog.hand_clips (id, title, notes, start_seconds, end_seconds)
     select gen_random_uuid(), 'Hand ' || g,
       (select string_agg('w' || (1 + floor(random() * 3000))::int, ' ') from generate_series(1, 12) x where g > 0)
       || case when random() < 0.005 then ' a brutal cooler' else '' end
       || case when random() < 0.001 then ' quads on the river' else '' end
       || case when random() < 0.002 then ' then a hero call' else '' end
       || case when random() < 0.0005 then ' slowroll' else '' end,
       g % 10000, g % 10000 + 60
     from generate_series(1, $1::int) g`,
    [CLIPS],
  );
  await raw.query(`set maintenance_work_mem = '256MB'`);
  await raw.query(`create index "ix_hand_clips_notes_search" on "catalog"."hand_clips" using gin (notes_search)`);
  await raw.query('vacuum analyze catalog.hand_clips');
  console.log(
    `data:        ${CLIPS.toLocaleString('en')} hand clips loaded and indexed in ${((performance.now() - t) / 1000).toFixed(1)}s`,
  );

  const repo = () => new SearchRepository(orm.em.fork());
  const viaRepo = async (term: string, page: number) =>
    (await repo().searchHandClips(term, { page, limit: 20 })).items.length;
  const viaRaw = async (term: string, page: number) =>
    (await raw.query(HAND_CLIP_SEARCH_SQL, [term, 21, (page - 1) * 20, CANDIDATES])).rows.slice(0, 20).length;

  const samples = { repo: [] as number[], raw: [] as number[] };
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const term = TERMS[round % TERMS.length] as string;
    const page = 1 + (round % 3);
    const order = round % 2 === 0 ? (['repo', 'raw'] as const) : (['raw', 'repo'] as const);
    const found: number[] = [];
    for (const side of order) {
      t = performance.now();
      found.push(side === 'repo' ? await viaRepo(term, page) : await viaRaw(term, page));
      if (round >= WARMUP) samples[side].push(performance.now() - t);
    }
    if (found[0] !== found[1])
      throw new Error(`the two paths disagree on "${term}" page ${page}: ${found.join(' vs ')}`);
  }
  const r = percentiles(samples.repo);
  const b = percentiles(samples.raw);
  console.log(`rounds:      ${ROUNDS} per side (+${WARMUP} warm-up), terms ${TERMS.join(' | ')}, pages 1-3 of 20`);
  console.log('');
  console.log('measurement                                 median ms   p95 ms');
  console.log(
    `SearchRepository.searchHandClips           ${r.median.toFixed(2).padStart(9)} ${r.p95.toFixed(2).padStart(8)}`,
  );
  console.log(
    `raw pg, same SQL                           ${b.median.toFixed(2).padStart(9)} ${b.p95.toFixed(2).padStart(8)}`,
  );
  console.log('');
  const ratio = r.p95 / b.p95;
  console.log(`search p95: ${ratio.toFixed(2)}x raw pg (goal <= 1.3x): ${ratio <= 1.3 ? 'MET' : 'NOT MET'}`);
  console.log(`load average after: ${loadLine()}`);
} finally {
  await orm.close(true);
  await raw.end();
  await db.drop();
  await server?.stop();
}
