import type { EntityManager } from '@mikro-orm/postgresql';
import { declareConsistency, type PageOptions, pageOf, Repository, sql, ValidationError } from '@tessera/kernel';
import { CATALOG_PAGE } from './catalog.repository.ts';

/** One ranked search hit. */
export interface SearchHit {
  kind: 'video_file' | 'hand_clip';
  id: string;
  /** The video's display title, or the clip's title. */
  title: string | null;
  /** The clip's notes (null for a video). */
  notes: string | null;
  rank: number;
}

/** A page of hits, best first; `hasMore` says whether the next page has any. */
export interface SearchPage {
  items: SearchHit[];
  page: number;
  limit: number;
  hasMore: boolean;
}

// The expression must be exactly that of the video titles' GIN index, or PostgreSQL cannot use it.
const VIDEO_VECTOR = `to_tsvector('english'::regconfig, (display_title)::text)`;

// The query, parsed where it is used so the planner sees it as a constant when it plans for the given text.
const Q = `websearch_to_tsquery('english'::regconfig, $1)`;
// How many hits each strategy returns: the page and everything before it, plus one to tell whether more follow.
const TOP = `($2::int + $3::int)`;

const VIDEO_HITS = `select 'video_file' as kind, v.id, v.display_title as title, null::text as notes,
  ts_rank(${VIDEO_VECTOR}, ${Q}) as rank
  from catalog.video_files v
  where v.deleted_at is null and ${VIDEO_VECTOR} @@ ${Q} order by rank desc, v.id limit ${TOP}`;

/*
 * Hand clips. A clip that matches the query ranks by the mean, over the query's words (not the excluded ones), of
 * ts_rank of its notes for that word alone (summed in double precision), then by id: for one word that is ts_rank of
 * the query; for words joined by `or` it is the mean ts_rank computes for them too, without its single-precision
 * rounding; words that must all occur and phrases rank the same way (ts_rank would also weigh how close the words
 * are: a phrase's words are adjacent in every match anyway); excluded words alone rank every match 0, so by id.
 *
 * catalog.hand_clip_search (a migration's plpgsql function) returns the first TOP matches in exactly that order from
 * the ranked word index, whatever the words' frequencies: a word's score depends only on how often it occurs, so
 * each word has a few distinct scores ("tiers"); it enumerates the combinations of one tier (or absence) per word
 * best first and reads the clips of each in id order, a few thousand index entries at most for a page.
 */
// The query's words as single-word queries, built once per statement (an init plan).
const WORD_QUERIES = `(select array(select catalog.lexeme_tsquery(w) from unnest(catalog.tsquery_words(${Q})) w))`;
// A matching clip's rank. The per-word ranks are between 0.06 (one occurrence) and 1, single-precision
// numbers, so their sum in double precision is exact, whatever the order.
const rankOf = (vector: string) =>
  `coalesce((select sum(ts_rank(${vector}, w.q)::double precision) from unnest(${WORD_QUERIES}) w(q))
    / cardinality(${WORD_QUERIES}), 0)`;

const CLIP_TOP = `select h.id, h.title, h.notes, s.clip_rank as rank
  from catalog.hand_clip_search(${Q}, ${TOP}) s join catalog.hand_clips h on h.id = s.clip_id
  where h.deleted_at is null`;

/** The SQL of {@link SearchRepository.searchHandClips}, exported so the benchmark runs exactly it through raw `pg`. */
export const HAND_CLIP_SEARCH_SQL = `select 'hand_clip' as kind, c.id, c.title, c.notes, c.rank from (${CLIP_TOP}) c
order by c.rank desc, c.id limit $2 offset $3`;

// Every match ranked and sorted: the definition the word index serves, and what search uses until it is complete.
const CLIP_EXACT = `select 'hand_clip' as kind, m.id, m.title, m.notes, ${rankOf('m.notes_search')} as rank
  from catalog.hand_clips m where m.deleted_at is null and m.notes_search @@ ${Q}`;

/**
 * The same hand-clip ranking over every matching clip, scored and sorted: what the word index must return.
 * Exported for the tests and the benchmark, which compare against it.
 */
export const HAND_CLIP_EXACT_SQL = `${CLIP_EXACT} order by rank desc, m.id limit $2 offset $3`;

const SEARCH_SQL = `(${VIDEO_HITS})
union all
(select 'hand_clip' as kind, c.id, c.title, c.notes, c.rank from (${CLIP_TOP}) c)
order by rank desc, id limit $2 offset $3`;

// While the word index is not yet complete (its backfill has not finished), clips are ranked by scoring every match.
const SEARCH_EXACT_SQL = `(${VIDEO_HITS})
union all
(${CLIP_EXACT} order by rank desc, m.id limit ${TOP})
order by rank desc, id limit $2 offset $3`;

const VIDEO_SEARCH_SQL = `select * from (${VIDEO_HITS}) v order by rank desc, id limit $2 offset $3`;

/** The ORMs (by configuration) that have seen the word index complete: it stays complete, so it is read once. */
const wordIndexComplete = new WeakSet<object>();

/**
 * Whether the ranked word index holds every live clip: false from the migration that creates it until the one that
 * backfills the clips written before its trigger has finished. Asked once per ORM until it is true.
 */
async function trustWordIndex(em: EntityManager): Promise<boolean> {
  if (wordIndexComplete.has(em.config)) return true;
  const [state] = await sql<{ complete: boolean }>(em, {
    text: 'select complete from catalog.hand_clip_lexemes_state',
    name: 'catalog.word_index_complete',
  });
  if (state?.complete !== true) return false;
  wordIndexComplete.add(em.config);
  return true;
}

/**
 * Ranked full-text search over video titles and hand-clip notes (English stemming; web-search syntax:
 * `"exact phrase"`, `or`, `-excluded`). A hot read path: plain typed rows with bound parameters, served
 * by the GIN indexes and the ranked word index of the clips' notes, soft-deleted rows excluded. Hits come best first
 * (videos by ts_rank of their title; clips by the mean ts_rank of their notes for each of the query's words), then by
 * id. Until the word index is complete (its backfill still running after a deploy), clip searches score every match
 * instead: slower, the same hits.
 */
export class SearchRepository extends Repository {
  /** Video files whose display title matches. */
  searchVideoFiles(text: string, options: PageOptions = {}): Promise<SearchPage> {
    return this.run('VideoFile', 'catalog.search_video_files', VIDEO_SEARCH_SQL, text, options);
  }

  /** Hand clips whose notes match. */
  async searchHandClips(text: string, options: PageOptions = {}): Promise<SearchPage> {
    return (await trustWordIndex(this.em))
      ? this.run('HandClip', 'catalog.search_hand_clips', HAND_CLIP_SEARCH_SQL, text, options)
      : this.run('HandClip', 'catalog.search_hand_clips_exact', HAND_CLIP_EXACT_SQL, text, options);
  }

  /** Both, in one ranking. */
  async search(text: string, options: PageOptions = {}): Promise<SearchPage> {
    return (await trustWordIndex(this.em))
      ? this.run('Search', 'catalog.search', SEARCH_SQL, text, options)
      : this.run('Search', 'catalog.search_exact', SEARCH_EXACT_SQL, text, options);
  }

  private async run(
    entity: string,
    name: string,
    statement: string,
    text: string,
    options: PageOptions,
  ): Promise<SearchPage> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new ValidationError(entity, 'query', 'must contain at least one word');
    }
    const { page, limit, offset } = pageOf(entity, options, CATALOG_PAGE);
    // One row more than the page says whether another page exists, without counting every match. Named: every
    // strategy's plan suits any frequency of its words, so a generic plan is as good as one planned per text.
    const rows = await sql<SearchHit>(this.em, { text: statement, values: [text, limit + 1, offset], name });
    return { items: rows.slice(0, limit), page, limit, hasMore: rows.length > limit };
  }
}

// Read consistency per method (callers override with withConsistency); full-text search may ask for 'replica'.
declareConsistency(SearchRepository, {
  reads: { searchVideoFiles: 'read-your-writes', searchHandClips: 'read-your-writes', search: 'read-your-writes' },
  writes: [],
  internal: ['run'],
});
