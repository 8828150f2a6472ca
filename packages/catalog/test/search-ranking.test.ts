import { useTestDatabase } from '@tessera/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import { HandClip, SearchRepository, softDelete } from '../src/index.ts';
import { HAND_CLIP_EXACT_SQL } from '../src/repositories/search.repository.ts';
import { type Marker, seededNotes } from './seeded-notes.ts';

const db = useTestDatabase(catalog);

const random = seededNotes(11);

/** Notes with common words (raise ~40%, fold ~35%), mid ones (bluff ~10%, up to three times; cooler ~5%), filler. */
const MARKERS: Marker[] = [
  ['raise', 0.4, 2],
  ['fold', 0.35],
  ['bluff', 0.1, 3],
  ['cooler', 0.05],
];
const notes = (i: number) => random.notes(4, 8, MARKERS, i % 97 === 0 ? ['slowroll'] : []);

const CLIPS = 400;

beforeAll(async () => {
  await db.query(
    `insert into catalog.hand_clips (id, title, notes, start_seconds, end_seconds)
     select gen_random_uuid(), 'Hand ' || n, t, 0, 60 from unnest($1::text[]) with ordinality x(t, n)`,
    [Array.from({ length: CLIPS }, (_, i) => notes(i))],
  );
  // Soft-deleted clips must not be found by any strategy.
  const gone = await db.query<{ id: string }>(
    `select id from catalog.hand_clips where notes_search @@ to_tsquery('english', 'raise') order by id limit 5`,
  );
  for (const { id } of gone) await softDelete(db.em(), HandClip, id);
});

type Hit = { id: string; rank: number };
const exact = async (text: string): Promise<Hit[]> =>
  (await db.query<Hit>(HAND_CLIP_EXACT_SQL, [text, 10_000, 0])).map((r) => ({ id: r.id, rank: r.rank }));

/** Every page of the repository's ranking, concatenated, checking that each page says whether another follows. */
async function allPages(text: string, limit: number): Promise<Hit[]> {
  const repo = new SearchRepository(db.em());
  const hits: Hit[] = [];
  for (let page = 1; ; page++) {
    const result = await repo.searchHandClips(text, { page, limit });
    hits.push(...result.items.map((h) => ({ id: h.id, rank: h.rank })));
    if (!result.hasMore) return hits;
    expect(result.items).toHaveLength(limit);
  }
}

describe('hand-clip search ranks exactly as ts_rank over every match, then id', () => {
  const queries: [string, string][] = [
    ['a common word', 'raise'],
    ['a common word, inflected', 'raises'],
    ['a mid-frequency word repeated in some notes', 'bluff'],
    ['a rare word', 'slowroll'],
    ['mid-frequency words joined by or', 'bluff or cooler'],
    ['common words joined by or', 'raise or fold'],
    ['three words joined by or', 'raise or bluff or slowroll'],
    ['a rare word or a mid one', 'slowroll or cooler'],
    ['the same word twice, joined by or', 'bluff or bluffs'],
    ['words that must all occur', 'raise fold'],
    ['a phrase', '"raise fold"'],
    ['an excluded common word alone', '-raise'],
    ['a word without an excluded common word', 'fold -raise'],
    ['two excluded words', '-raise -fold'],
    ['a rare word without a common one (fewer matches than a page)', 'slowroll -raise'],
    ['a word and a phrase excluded', 'bluff -"raise fold"'],
    ['only stop words', 'the and'],
  ];

  it.each(queries)('%s (%s): same clips, same ranks, same order, page by page', async (_label, text) => {
    const want = await exact(text);
    if (text !== 'the and') expect(want.length).toBeGreaterThan(0);
    expect(await allPages(text, 7)).toEqual(want);
    // The first page alone (the common case) is the exact top 20.
    const first = await new SearchRepository(db.em()).searchHandClips(text, { limit: 20 });
    expect(first.items.map((h) => h.id)).toEqual(want.slice(0, 20).map((h) => h.id));
  });

  it('ranks clips that repeat a word above clips that mention it once', async () => {
    const hits = await allPages('bluff', 50);
    const counts = await db.query<{ id: string; n: number }>(
      `select id, (length(notes) - length(replace(notes, 'bluff', ''))) / 5 as n from catalog.hand_clips`,
    );
    const mentions = new Map(counts.map((c) => [c.id, c.n]));
    const ordered = hits.map((h) => mentions.get(h.id) as number);
    expect(ordered).toEqual([...ordered].sort((a, b) => b - a));
    expect(ordered[0]).toBeGreaterThan(1);
  });

  it('keeps the clips of the combined search in the same exact order', async () => {
    const want = (await exact('raise')).slice(0, 30).map((h) => h.id);
    const both = await new SearchRepository(db.em()).search('raise', { limit: 30 });
    expect(both.items.filter((h) => h.kind === 'hand_clip').map((h) => h.id)).toEqual(want);
  });
});
