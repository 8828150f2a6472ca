/**
 * Word-index backfill benchmark: the backfill migration's statement over BENCH_CLIPS (default 1M) existing hand
 * clips, as a deploy over an existing catalog runs it, while another connection changes one clip's notes every
 * 100 ms (each update waits when its clip is in the batch being written). Prints the backfill's time and the
 * updates' latency (p50, p95, max). Server: TEST_DATABASE_URL (an admin URL), else a test server started for the
 * run; the database is created and dropped. Never fails on time; fails if the word index differs afterwards from
 * what the clips' notes say.
 */
import { composeContexts } from '@tessera/kernel';
import { databaseUrl, loadLine, machineLine, percentiles, startTestServer } from '@tessera/test-server';
import { migrateDatabase } from '@tessera/testing';
import pg from 'pg';
import { catalog } from '../src/context.ts';
import {
  LEXEME_BACKFILL_BATCH,
  LEXEME_BACKFILL_SQL,
} from '../src/migrations/Migration20261202031600_catalog_notes_search_lexemes_backfill.ts';
import { loadClips } from './clips.ts';

const CLIPS = Number(process.env.BENCH_CLIPS ?? 1_000_000);
const NAME = `bench_backfill_${process.pid}`;

const configured = process.env.TEST_DATABASE_URL;
const server = configured ? undefined : await startTestServer();
const admin = configured ?? (server?.adminUrl as string);
const adminClient = new pg.Client({ connectionString: admin });
await adminClient.connect();
await adminClient.query(`create database ${NAME}`);
const url = databaseUrl(admin, NAME);
const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

try {
  await migrateDatabase(composeContexts([catalog]), url);
  const raw = new pg.Client({ connectionString: url });
  const writer = new pg.Client({ connectionString: url });
  const watcher = new pg.Client({ connectionString: url });
  await raw.connect();
  await writer.connect();
  await watcher.connect();
  try {
    console.log(`machine:     ${machineLine()}, load average ${loadLine()}`);
    // The clips that exist when the word index is created: loaded without the trigger, then the index is marked
    // as not backfilled, as the migration that creates it leaves it.
    // Without the notes' GIN index, which the backfill does not read (it only makes the load slower).
    let t = performance.now();
    await loadClips(
      raw,
      CLIPS,
      "|| case when random() < 0.17 then ' raise' else '' end || case when random() < 0.02 then ' bluff' else '' end",
    );
    await raw.query(`update catalog.hand_clip_lexemes_state set complete = false, backfilled_through = null`);
    await raw.query('vacuum analyze catalog.hand_clips');
    console.log(`data:        ${CLIPS.toLocaleString('en')} hand clips loaded in ${s(performance.now() - t)}`);

    // The writer: one clip's notes changed every 100 ms, clips spread over the whole id range.
    const ids = (
      await raw.query<{ id: string }>('select id from catalog.hand_clips tablesample system (1) limit 2000')
    ).rows.map((r) => r.id);
    const waits: number[] = [];
    let running = true;
    const writing = (async () => {
      for (let i = 0; running; i++) {
        const t0 = performance.now();
        await writer.query(`update catalog.hand_clips set notes = $2 where id = $1`, [
          ids[i % ids.length],
          `edited ${i} river bluff`,
        ]);
        waits.push(performance.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    // The watcher: when each batch commits (its position moves), so the longest batch can be told.
    const commits: number[] = [];
    const watching = (async () => {
      let last: string | null = null;
      while (running) {
        const [row] = (await watcher.query('select backfilled_through as at from catalog.hand_clip_lexemes_state'))
          .rows;
        if (row.at !== last) commits.push(performance.now());
        last = row.at;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    t = performance.now();
    await raw.query(LEXEME_BACKFILL_SQL);
    const backfill = performance.now() - t;
    running = false;
    await writing;
    await watching;
    const batches = commits.slice(1).map((at, i) => at - (commits[i] as number));
    const [state] = (await raw.query('select complete from catalog.hand_clip_lexemes_state')).rows;
    const [size] = (await raw.query(`select count(*)::bigint as n from catalog.hand_clip_lexemes`)).rows;
    console.log(
      `backfill:    ${s(backfill)} in batches of ${LEXEME_BACKFILL_BATCH.toLocaleString('en')} clips, ` +
        `${Number(size.n).toLocaleString('en')} rows, complete: ${state.complete}`,
    );
    const b = percentiles(batches);
    console.log(
      `batches:     ${batches.length} seen commit: p50 ${b.median.toFixed(0)} ms, p95 ${b.p95.toFixed(0)} ms, longest ${Math.max(...batches).toFixed(0)} ms`,
    );
    const p = percentiles(waits);
    console.log(
      `writer:      ${waits.length} notes updates during the backfill: p50 ${p.median.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms, max ${Math.max(...waits).toFixed(1)} ms`,
    );
    const [wrong] = (
      await raw.query(`select count(*)::int as n from (
        (select r.* from catalog.hand_clips h, catalog.hand_clip_lexeme_rows(h.id, h.notes_search) r where h.deleted_at is null
         except all select lexeme, score, hand_clip_id from catalog.hand_clip_lexemes)
        union all
        (select lexeme, score, hand_clip_id from catalog.hand_clip_lexemes
         except all select r.* from catalog.hand_clips h, catalog.hand_clip_lexeme_rows(h.id, h.notes_search) r where h.deleted_at is null)) d`)
    ).rows;
    console.log(`check:       ${wrong.n} rows differ from the clips' notes`);
    console.log(`load average after: ${loadLine()}`);
    if (wrong.n !== 0 || state.complete !== true) process.exitCode = 1;
  } finally {
    await raw.end();
    await writer.end();
    await watcher.end();
  }
} finally {
  await adminClient.query(`drop database if exists ${NAME} with (force)`);
  await adminClient.end();
  await server?.stop();
}
