import { useTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import { SearchRepository } from '../src/index.ts';
import {
  LEXEME_BACKFILL_BATCH,
  LEXEME_BACKFILL_SQL,
} from '../src/migrations/Migration20261202031600_catalog_notes_search_lexemes_backfill.ts';
import { HAND_CLIP_EXACT_SQL, HAND_CLIP_SEARCH_SQL } from '../src/repositories/search.repository.ts';

const db = useTestDatabase(catalog);

// More clips than one backfill batch, so the backfill commits and resumes across batches.
const CLIPS = LEXEME_BACKFILL_BATCH * 2 + 700;
const QUERIES = ['bluff', 'river', 'cooler', 'bluff or cooler', 'river -bluff', 'bluff river'];

beforeAll(async () => {
  await db.query(
    `insert into catalog.hand_clips (id, title, notes, start_seconds, end_seconds)
     select gen_random_uuid(), 'Hand ' || g,
       'w' || (g % 37) || case when g % 3 = 0 then ' river' else '' end || case when g % 11 = 0 then ' bluff bluffs' else '' end
         || case when g % 29 = 0 then ' cooler' else '' end,
       0, 60
     from generate_series(1, $1::int) g`,
    [CLIPS],
  );
});

/** The word-index rows that differ from what the live clips' notes say they should be (both ways). */
const mismatches = async () =>
  (
    await db.query<{ n: number }>(
      `with want as (select r.* from catalog.hand_clips h, catalog.hand_clip_lexeme_rows(h.id, h.notes_search) r
                     where h.deleted_at is null),
            have as (select lexeme, score, hand_clip_id from catalog.hand_clip_lexemes)
       select count(*)::int as n from ((select * from want except all select * from have)
         union all (select * from have except all select * from want)) d`,
    )
  )[0]?.n;
const state = async () =>
  (
    await db.query<{ complete: boolean; backfilled_through: string | null }>(
      'select complete, backfilled_through from catalog.hand_clip_lexemes_state',
    )
  )[0];
const exact = async (text: string) =>
  (await db.query<{ id: string; rank: number }>(HAND_CLIP_EXACT_SQL, [text, 30, 0])).map((r) => ({
    id: r.id,
    rank: r.rank,
  }));
const viaRepo = async (text: string) =>
  (await new SearchRepository(db.em()).searchHandClips(text, { limit: 30 })).items.map((h) => ({
    id: h.id,
    rank: h.rank,
  }));
/** Every clip id in id order, as the backfill walks them. */
const clipIds = async () =>
  (await db.query<{ id: string }>('select id from catalog.hand_clips order by id')).map((r) => r.id);

/** Puts the word index back where a deploy leaves it: the trigger's rows only for clips after `through`. */
async function unfinished(through: string | null) {
  await db.query(`delete from catalog.hand_clip_lexemes where $1::uuid is null or hand_clip_id > $1::uuid`, [through]);
  await db.query('update catalog.hand_clip_lexemes_state set complete = false, backfilled_through = $1', [through]);
}

// The order of these cases matters: search reads the word index once it has seen it complete, for the rest of the
// process, so the cases with an unfinished backfill come first.
describe('the backfill of the word index, while it runs and after', () => {
  it('ranks clips exactly while the backfill has not finished, though the word index lacks most clips', async () => {
    await unfinished(null);
    const some = (await clipIds()).slice(-50);
    await db.query(`update catalog.hand_clips set notes = notes || ' bluff' where id = any($1::uuid[])`, [some]);
    expect(await mismatches()).toBeGreaterThan(0);
    // Read from the word index as it stands, a word would miss most of its clips.
    const fromWordIndex = await db.query<{ id: string }>(HAND_CLIP_SEARCH_SQL, ['river', 30, 0]);
    expect(fromWordIndex.map((h) => h.id)).not.toEqual((await exact('river')).map((h) => h.id));
    for (const text of QUERIES) {
      expect(await viaRepo(text), text).toEqual(await exact(text));
    }
    const both = await new SearchRepository(db.em()).search('bluff', { limit: 30 });
    expect(both.items.map((h) => h.id)).toEqual((await exact('bluff')).map((h) => h.id));
  });

  it('resumes after the last committed batch, keeping the rows the trigger wrote meanwhile', async () => {
    await db.query(LEXEME_BACKFILL_SQL);
    expect(await mismatches()).toBe(0);
    const ids = await clipIds();
    const through = ids[LEXEME_BACKFILL_BATCH - 1] as string;
    await unfinished(through);
    expect(await mismatches()).toBeGreaterThan(0);
    // Clips written since the trigger exists already have their rows; the backfill must not duplicate them.
    const edited = ids.slice(LEXEME_BACKFILL_BATCH + 10, LEXEME_BACKFILL_BATCH + 20);
    await db.query(`update catalog.hand_clips set notes = 'cooler on the river' where id = any($1::uuid[])`, [edited]);
    await db.query(`update catalog.hand_clips set deleted_at = now() where id = $1`, [ids.at(-1)]);
    await db.query(LEXEME_BACKFILL_SQL);
    expect(await mismatches()).toBe(0);
    expect(await state()).toEqual({ complete: true, backfilled_through: null });
  });

  it('changes nothing when run again after it finished', async () => {
    const before = await db.query('select count(*)::int as n from catalog.hand_clip_lexemes');
    await db.query(LEXEME_BACKFILL_SQL);
    expect(await db.query('select count(*)::int as n from catalog.hand_clip_lexemes')).toEqual(before);
    expect(await mismatches()).toBe(0);
    expect(await state()).toEqual({ complete: true, backfilled_through: null });
  });

  it('waits for a notes change in progress on a clip of its batch, and ends with that change', async () => {
    await unfinished(null);
    const [first] = await clipIds();
    const editor = new pg.Client({ connectionString: db.url });
    const backfiller = new pg.Client({ connectionString: db.url });
    await editor.connect();
    await backfiller.connect();
    try {
      await editor.query('begin');
      await editor.query(`update catalog.hand_clips set notes = 'slowroll quads' where id = $1`, [first]);
      const pid = (await backfiller.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      const running = backfiller.query(LEXEME_BACKFILL_SQL);
      // The backfill's first batch holds the clip's row: it must wait for the edit rather than read the old notes.
      await expect
        .poll(
          async () =>
            (
              await editor.query<{ waiting: boolean }>(
                `select wait_event_type = 'Lock' as waiting from pg_stat_activity where pid = $1`,
                [pid],
              )
            ).rows[0]?.waiting,
        )
        .toBe(true);
      await editor.query('commit');
      await running;
    } finally {
      await editor.end();
      await backfiller.end();
    }
    expect(await mismatches()).toBe(0);
    expect(await state()).toEqual({ complete: true, backfilled_through: null });
    const hits = await new SearchRepository(db.em()).searchHandClips('slowroll');
    expect(hits.items.map((h) => h.id)).toEqual([first]);
  });

  it('ranks from the complete word index the same as scoring every match', async () => {
    for (const text of QUERIES) {
      expect(await viaRepo(text), text).toEqual(await exact(text));
    }
  });
});
