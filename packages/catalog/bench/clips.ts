import type pg from 'pg';

/**
 * Loads `count` hand clips for a benchmark: notes of 12 filler words plus `markers` (SQL `|| …` terms adding the
 * words a run searches for, by share), seeded so every run loads the same notes. The notes' GIN index is dropped
 * first and the word-index trigger is off for the load (a benchmark builds or backfills what it measures itself).
 */
export async function loadClips(client: pg.Client, count: number, markers: string): Promise<void> {
  await client.query('drop index catalog.ix_hand_clips_notes_search');
  await client.query('alter table catalog.hand_clips disable trigger hand_clip_lexemes_sync');
  await client.query('select setseed(0.42)');
  await client.query(
    `insert into catalog.hand_clips (id, title, notes, start_seconds, end_seconds)
     select gen_random_uuid(), 'Hand ' || g,
       (select string_agg('w' || (1 + floor(random() * 3000))::int, ' ') from generate_series(1, 12) x where g > 0)
       ${markers},
       g % 10000, g % 10000 + 60
     from generate_series(1, $1::int) g`,
    [count],
  );
  await client.query('alter table catalog.hand_clips enable trigger hand_clip_lexemes_sync');
}
