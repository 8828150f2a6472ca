import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import { HandClip, restore, SearchRepository, softDelete } from '../src/index.ts';
import { handClipFactory } from '../src/testing.ts';

const db = useTestDatabase(catalog);

/** The word-index rows that differ from what the live clips' notes say they should be (both ways). */
const mismatches = () =>
  db.query(
    `with want as (select r.* from catalog.hand_clips h, catalog.hand_clip_lexeme_rows(h.id, h.notes_search) r
                   where h.deleted_at is null),
          have as (select lexeme, score, hand_clip_id from catalog.hand_clip_lexemes)
     (select 'missing' as problem, * from (select * from want except all select * from have) m)
     union all
     (select 'stale', * from (select * from have except all select * from want) s)`,
  );
const lexemesOf = async (id: string) =>
  (
    await db.query<{ lexeme: string }>(
      'select lexeme from catalog.hand_clip_lexemes where hand_clip_id = $1 order by lexeme',
      [id],
    )
  ).map((r) => r.lexeme);
const titles = async (text: string) =>
  (await new SearchRepository(db.em()).searchHandClips(text)).items.map((h) => h.title);

describe('the ranked word index of hand-clip notes is kept in step by PostgreSQL', () => {
  it('gets one row per distinct word of a new clip, scored as ts_rank for that word', async () => {
    const clip = await handClipFactory(db.em(), { title: 'new', notes: 'Bluffs and bluff; a cooler!' });
    expect(await lexemesOf(clip.id)).toEqual(['bluff', 'cooler']);
    const [row] = await db.query<{ score: number; rank: number }>(
      `select l.score, ts_rank(h.notes_search, websearch_to_tsquery('english', 'bluff')) as rank
       from catalog.hand_clip_lexemes l join catalog.hand_clips h on h.id = l.hand_clip_id
       where l.hand_clip_id = $1 and l.lexeme = 'bluff'`,
      [clip.id],
    );
    expect(row?.score).toBe(row?.rank);
    expect(await titles('cooler')).toEqual(['new']);
    expect(await mismatches()).toEqual([]);
  });

  it('follows a change of the notes, and ignores changes to other columns', async () => {
    const clip = await handClipFactory(db.em(), { title: 'edited', notes: 'overbet shove' });
    await db.query(`update catalog.hand_clips set notes = 'hero call' where id = $1`, [clip.id]);
    expect(await lexemesOf(clip.id)).toEqual(['call', 'hero']);
    expect(await titles('overbet')).toEqual([]);
    expect(await titles('hero')).toEqual(['edited']);
    await db.query(`update catalog.hand_clips set title = 'renamed', highlight_score = 5 where id = $1`, [clip.id]);
    expect(await lexemesOf(clip.id)).toEqual(['call', 'hero']);
    await db.query(`update catalog.hand_clips set notes = null where id = $1`, [clip.id]);
    expect(await lexemesOf(clip.id)).toEqual([]);
    expect(await mismatches()).toEqual([]);
  });

  it('drops a soft-deleted clip and brings it back on restore', async () => {
    const clip = await handClipFactory(db.em(), { title: 'archived', notes: 'slowroll on the river' });
    await softDelete(db.em(), HandClip, clip.id);
    expect(await lexemesOf(clip.id)).toEqual([]);
    expect(await titles('slowroll')).toEqual([]);
    await restore(db.em(), HandClip, clip.id);
    expect(await lexemesOf(clip.id)).toEqual(['river', 'slowrol']);
    expect(await titles('slowroll')).toEqual(['archived']);
    expect(await mismatches()).toEqual([]);
  });

  it('drops the rows of a deleted clip, and all of them when the clips are truncated', async () => {
    const clip = await handClipFactory(db.em(), { title: 'removed', notes: 'quads full house' });
    await db.query('delete from catalog.hand_clips where id = $1', [clip.id]);
    expect(await lexemesOf(clip.id)).toEqual([]);
    expect(await mismatches()).toEqual([]);
    await db.query('truncate catalog.hand_clips cascade');
    expect(await db.query('select 1 from catalog.hand_clip_lexemes')).toEqual([]);
  });

  it('stores words with quotes and backslashes exactly, and finds them', async () => {
    const clip = await handClipFactory(db.em(), { title: 'odd', notes: `o'neil's path C:\\x\\y` });
    expect(await mismatches()).toEqual([]);
    expect((await lexemesOf(clip.id)).length).toBeGreaterThan(0);
    for (const lexeme of await lexemesOf(clip.id)) {
      const [hit] = await db.query<{ n: number }>(
        `select count(*)::int as n from catalog.hand_clip_lexemes
         where lexeme = $1 and score = ts_rank($2::tsvector, catalog.lexeme_tsquery($1))`,
        [lexeme, `'${lexeme.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`],
      );
      expect(hit?.n).toBe(1);
    }
    expect(await titles(`o'neil's`)).toEqual(['odd']);
  });
});
