import { useTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import { HandClip, SearchRepository, softDelete } from '../src/index.ts';
import { HAND_CLIP_EXACT_SQL, HAND_CLIP_SEARCH_SQL } from '../src/repositories/search.repository.ts';
import { type Marker, seededNotes } from './seeded-notes.ts';

const db = useTestDatabase(catalog);

const random = seededNotes(23);

/**
 * Notes where the common words' lists are long and tie a lot: raise in ~60% of the clips (1-3 times), fold ~50%
 * (1-2), river ~40% (1-2), so thousands of clips share each rank; cooler ~5%; the phrase "raise fold" at the end of
 * ~15% of the notes (elsewhere the words fall in random places).
 */
const MARKERS: Marker[] = [
  ['raise', 0.6, 3],
  ['fold', 0.5, 2],
  ['river', 0.4, 2],
  ['cooler', 0.05],
];
const notes = () => random.notes(3, 6, MARKERS, random.next() < 0.15 ? ['raise', 'fold'] : []);

const CLIPS = 12_000;

beforeAll(async () => {
  // How many word-index entries a search reads depends on how PostgreSQL joins each combination's tiers, which it
  // plans from the statistics. So they must be the same on every run: no autovacuum pass in between (it changes the
  // table's pages and statistics at its own time), and a sample as large as the word index (about 76,000 rows), not
  // a random part of it.
  for (const table of ['hand_clips', 'hand_clip_lexemes']) {
    await db.query(`alter table catalog.${table} set (autovacuum_enabled = off)`);
  }
  await db.query(
    'alter table catalog.hand_clip_lexemes alter column lexeme set statistics 1000, alter column score set statistics 1000',
  );
  await db.query(
    // Ids from the row number, not random: how far a walk in id order reads is then the same on every run.
    `insert into catalog.hand_clips (id, title, notes, start_seconds, end_seconds)
     select md5('clip ' || n)::uuid, 'Hand ' || n, t, 0, 60 from unnest($1::text[]) with ordinality x(t, n)`,
    [Array.from({ length: CLIPS }, () => notes())],
  );
  // Soft-deleted clips must not be found: some with all three common words.
  const gone = await db.query<{ id: string }>(
    `select id from catalog.hand_clips where notes_search @@ to_tsquery('english', 'raise & fold & river')
     order by id limit 10`,
  );
  for (const { id } of gone) await softDelete(db.em(), HandClip, id);
  await db.query('analyze catalog.hand_clips');
  await db.query('analyze catalog.hand_clip_lexemes');
});

type Hit = { id: string; rank: number };
const exact = async (text: string, limit: number, offset: number): Promise<Hit[]> =>
  (await db.query<Hit>(HAND_CLIP_EXACT_SQL, [text, limit, offset])).map((r) => ({ id: r.id, rank: r.rank }));
const matches = async (text: string) => (await exact(text, 100_000, 0)).length;

const CLASSES: [string, string][] = [
  ['common words joined by or', 'raise or fold'],
  ['three common words joined by or', 'raise or fold or river'],
  ['common words that must all occur', 'raise fold'],
  ['three common words that must all occur', 'raise fold river'],
  ['a phrase of common words', '"raise fold"'],
  ['a phrase in the other order', '"fold raise"'],
  ['common words joined by or, one excluded', 'raise or fold -river'],
  ['common words that must all occur, one excluded', 'raise fold -river'],
  ['a phrase of common words, a word excluded', '"raise fold" -cooler'],
  ['a common word without a phrase', 'raise -"raise fold"'],
  ['a common word without another', 'fold -raise'],
  ['a phrase or a word', '"raise fold" or cooler'],
  ['the same word twice', 'raise raises'],
];

describe('multi-word hand-clip search returns exactly the reference ranking over every match', () => {
  it('has long lists and many ties for every query (the early stop decides the pages)', async () => {
    for (const [, text] of CLASSES) expect(await matches(text)).toBeGreaterThan(150);
    const [tie] = await db.query<{ n: number }>(
      `select count(*)::int as n from (${HAND_CLIP_EXACT_SQL}) x
       where x.rank = (select rank from (${HAND_CLIP_EXACT_SQL}) y limit 1)`,
      ['raise or fold', 100_000, 0],
    );
    expect(tie?.n).toBeGreaterThan(20);
  });

  it.each(CLASSES)('%s (%s): pages 1-3 and a deep page, ids and ranks', async (_label, text) => {
    const repo = new SearchRepository(db.em());
    for (const [page, limit] of [
      [1, 20],
      [2, 20],
      [3, 20],
      [1, 7],
      [9, 50],
    ] as const) {
      const got = await repo.searchHandClips(text, { page, limit });
      const want = await exact(text, limit + 1, (page - 1) * limit);
      expect(got.items.map((h) => ({ id: h.id, rank: h.rank }))).toEqual(want.slice(0, limit));
      expect(got.hasMore).toBe(want.length > limit);
    }
  });

  it.each(CLASSES)('%s (%s): every match, in order, in one call', async (_label, text) => {
    const all = await db.query<Hit>(HAND_CLIP_SEARCH_SQL, [text, 100_000, 0]);
    expect(all.map((r) => ({ id: r.id, rank: r.rank }))).toEqual(await exact(text, 100_000, 0));
  });

  it('ranks first a clip that mentions each word as often as any clip does', async () => {
    const [best] = (await new SearchRepository(db.em()).searchHandClips('raise or fold or river', { limit: 1 })).items;
    const mentions = (notes: string, word: string) => notes.split(' ').filter((w) => w === word).length;
    const clips = await db.query<{ id: string; notes: string }>(
      'select id, notes from catalog.hand_clips where deleted_at is null',
    );
    const top = clips.find((c) => c.id === best?.id)?.notes as string;
    for (const word of ['raise', 'fold', 'river']) {
      expect(mentions(top, word)).toBe(Math.max(...clips.map((c) => mentions(c.notes, word))));
    }
  });
});

describe('a page of a multi-word query reads part of the word index and the clips it returns', () => {
  /**
   * Word-index entries read, clips read, and scans of the clips and their indexes, by one search. `indexesOnly`
   * turns sequential scans off: these tables are too small for the planner to prefer an index it would use at scale.
   */
  async function reads(text: string, indexesOnly = false) {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('begin');
      if (indexesOnly) await client.query('set local enable_seqscan = off');
      const { rows } = await client.query(
        `select count(*)::int as n from catalog.hand_clip_search(websearch_to_tsquery('english', $1), 21)`,
        [text],
      );
      const [stats] = (
        await client.query(
          `select pg_stat_get_xact_tuples_returned('catalog.ix_hand_clip_lexemes_rank'::regclass)::int as entries,
             (pg_stat_get_xact_tuples_fetched('catalog.hand_clips'::regclass)
               + pg_stat_get_xact_tuples_returned('catalog.hand_clips'::regclass))::int as clips,
             pg_stat_get_xact_numscans('catalog.ix_hand_clips_notes_search'::regclass)::int as gin,
             pg_stat_get_xact_numscans('catalog.pk_hand_clips'::regclass)::int as id_walk,
             (select seq_scan from pg_stat_xact_user_tables where relid = 'catalog.hand_clips'::regclass)::int as clip_scans`,
        )
      ).rows;
      await client.query('rollback');
      return {
        hits: rows[0].n as number,
        ...(stats as { entries: number; clips: number; gin: number; id_walk: number; clip_scans: number }),
      };
    } finally {
      await client.end();
    }
  }

  // Thousands of clips have two or more of these words: each is read by the tiers of its words.
  const BY_TIERS = CLASSES.filter(([, text]) => text !== 'raise raises');

  it.each(BY_TIERS)('%s (%s): by score tiers', async (_label, text) => {
    const [words] = await db.query<{ n: number }>(
      `select count(*)::int as n from catalog.hand_clip_lexemes
       where lexeme = any(catalog.tsquery_words(websearch_to_tsquery('english', $1)))`,
      [text],
    );
    const r = await reads(text);
    expect(r.hits).toBe(21);
    expect(r).toMatchObject({ gin: 0, clip_scans: 0 });
    // Scoring every match would read thousands of clips; only candidates are checked against their notes.
    expect(r.clips).toBeLessThanOrEqual(3 * 21);
    expect(r.entries).toBeLessThan((words?.n as number) / 2);
  });

  it('reads the few clips with all of several common words at once, not tier by tier', async () => {
    const text = 'raise fold river cooler';
    const r = await reads(text);
    expect(r.hits).toBe(21);
    // Only the probes that find each word's tiers: no combination's tiers are read.
    expect(r.entries).toBeLessThan(20);
    const page = await new SearchRepository(db.em()).searchHandClips(text, { page: 2, limit: 20 });
    expect(page.items.map((h) => ({ id: h.id, rank: h.rank }))).toEqual(await exact(text, 20, 20));
  });

  it('walks the clips in id order for excluded words alone (every match ranks 0), without the word index', async () => {
    const r = await reads('-raise', true);
    expect(r.hits).toBe(21);
    expect(r.entries).toBe(0);
    expect(r.id_walk).toBe(1);
    expect(r.gin).toBe(0);
  });

  it('scores every match when the words have too many score combinations, and still ranks exactly', async () => {
    const text = `${random.filler.join(' or ')} or raise`;
    const r = await reads(text);
    expect(r.hits).toBe(21);
    expect(r.clips).toBeGreaterThanOrEqual(await matches(text));
    const page = await new SearchRepository(db.em()).searchHandClips(text, { page: 2, limit: 20 });
    expect(page.items.map((h) => ({ id: h.id, rank: h.rank }))).toEqual(await exact(text, 20, 20));
  });
});
