import type { EntityManager } from '@mikro-orm/postgresql';
import { declareConsistency, type PageOptions, pageOf, ValidationError } from '@tessera/kernel';
import { CATALOG_PAGE } from './catalog.repository.ts';
import { query } from './sql.ts';

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

/** A string as an SQL literal (for the fixed patterns below; user input is always a bound parameter). */
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

// The query, parsed where it is used so the planner sees it as a constant when it plans for the given text.
const Q = `websearch_to_tsquery('english'::regconfig, $1)`;
// How many hits each strategy returns: the page and everything before it, plus one to tell whether more follow.
const TOP = `($2::int + $3::int)`;

const VIDEO_HITS = `select 'video_file' as kind, v.id, v.display_title as title, null::text as notes,
  ts_rank(${VIDEO_VECTOR}, ${Q}) as rank
  from catalog.video_files v
  where v.deleted_at is null and ${VIDEO_VECTOR} @@ ${Q} order by rank desc, v.id limit ${TOP}`;

/*
 * Hand clips: ranked by ts_rank(notes_search, query) descending, then id, exactly, by one of four strategies the
 * statement picks from the parsed query (conditions on the parameter alone: PostgreSQL drops the branches that do
 * not apply when it plans for the text, and skips them at run time in a generic plan).
 *
 * - One word (one lexeme): the first rows of hand_clip_lexemes for the lexeme, whose index is in ranking order
 *   (score = ts_rank of the clip for that lexeme alone, kept by a trigger). Reads TOP index entries, whatever the
 *   word's frequency.
 * - Constant rank: only excluded words (`-quads`), or one word and excluded words (`cooler -quads`). ts_rank of such
 *   a query is the same for every matching clip (0, or 1e-20 for an AND: it scores pairs of present terms, and a
 *   matching clip has at most one), so the order is id alone: walk the primary key, testing each clip, and stop at
 *   TOP matches. The walk is bounded (PROBE clips); a rarer query (fewer than TOP matches among them) falls back to
 *   the GIN index and sorts its matches by id, which are few precisely because the walk did not find enough.
 * - Words joined by `or` (`bluff or cooler`): ts_rank of an OR is the sum of each word's own rank divided by the
 *   number of words. A clip with just one of the words ranks by that word's score alone, so the only such clips
 *   that can reach the page are among each word's first TOP rows of hand_clip_lexemes (those rows all rank at least
 *   as high: a clip with a second word gains a whole second part, at least 0.06). So the candidates are each word's
 *   first TOP rows plus every clip with two or more of the words (found through the GIN index), scored exactly.
 *   Fast while few clips have two of the words; two common words joined by `or` score all the clips with both.
 * - Anything else (several words that must all occur, phrases): every match is scored and sorted, through the GIN
 *   index.
 */
const OPERAND = `!?'(?:[^']|'')*'`;
const ONE_WORD = `numnode(${Q}) = 1`;
const CONSTANT_RANK = `(numnode(${Q}) > 1 and (${Q})::text ~ ${literal(`^${OPERAND}( & ${OPERAND})*$`)}
  and querytree(${Q}) ~ ${literal(`^(T|'(?:[^']|'')*')$`)})`;
const WORD_OR_WORD = `(numnode(${Q}) > 1 and (${Q})::text ~ ${literal(`^'(?:[^']|'')*'( \\| '(?:[^']|'')*')+$`)})`;
// The words of such a query (the english parser's lexemes have no spaces, so ' | ' only ever separates them).
const OR_WORDS = `tsvector_to_array(replace((${Q})::text, ' | ', ' ')::tsvector)`;
// Clips with at least two of them: (a & b) | (a & c) | (b & c) ...
const TWO_OR_MORE = `(select string_agg(format('(%s & %s)', catalog.lexeme_tsquery(a)::text, catalog.lexeme_tsquery(b)::text), ' | ')
  from unnest(${OR_WORDS}) a, unnest(${OR_WORDS}) b where a < b)::tsquery`;

/** How many clips, in id order, the constant-rank walk tests before it falls back to the GIN index. */
export const PROBE = 20_000;

const CLIP_PROBE = `with probe as materialized (
  select p.id from (select id, notes_search, deleted_at from catalog.hand_clips where ${CONSTANT_RANK}
    order by id limit ${PROBE}) p
  where p.deleted_at is null and p.notes_search @@ ${Q} order by p.id limit ${TOP})`;

const CLIP_TOP = `select h.id, h.title, h.notes, ts_rank(h.notes_search, ${Q}) as rank
  from (select l.hand_clip_id from catalog.hand_clip_lexemes l
    where ${ONE_WORD} and l.lexeme = (tsvector_to_array((${Q})::text::tsvector))[1]
    order by l.score desc, l.hand_clip_id limit ${TOP}) w
  join catalog.hand_clips h on h.id = w.hand_clip_id
  where h.deleted_at is null
union all
select h.id, h.title, h.notes, ts_rank(h.notes_search, ${Q}) as rank
  from (select id from probe where (select count(*) from probe) >= ${TOP}
    union all
    (select f.id from (select m.id from catalog.hand_clips m
        where ${CONSTANT_RANK} and (select count(*) from probe) < ${TOP}
          and m.deleted_at is null and m.notes_search @@ ${Q} offset 0) f
      order by f.id limit ${TOP})) c
  join catalog.hand_clips h on h.id = c.id
union all
(select h.id, h.title, h.notes, ts_rank(h.notes_search, ${Q}) as rank
  from (select distinct w.hand_clip_id as id from unnest(${OR_WORDS}) o(lexeme),
      lateral (select l.hand_clip_id from catalog.hand_clip_lexemes l where l.lexeme = o.lexeme
        order by l.score desc, l.hand_clip_id limit ${TOP}) w
    where ${WORD_OR_WORD}) c
  join catalog.hand_clips h on h.id = c.id
  where h.deleted_at is null
  union
  -- Scored as they are read: one heap visit per clip with two or more of the words.
  select m.id, m.title, m.notes, ts_rank(m.notes_search, ${Q}) as rank from catalog.hand_clips m
  where ${WORD_OR_WORD} and m.deleted_at is null and m.notes_search @@ ${TWO_OR_MORE}
  order by rank desc, id limit ${TOP})
union all
(select m.id, m.title, m.notes, ts_rank(m.notes_search, ${Q}) as rank
  from catalog.hand_clips m
  where not ${ONE_WORD} and not ${CONSTANT_RANK} and not ${WORD_OR_WORD} and m.deleted_at is null
    and m.notes_search @@ ${Q}
  order by rank desc, m.id limit ${TOP})`;

/** The SQL of {@link SearchRepository.searchHandClips}, exported so the benchmark runs exactly it through raw `pg`. */
export const HAND_CLIP_SEARCH_SQL = `${CLIP_PROBE}
select 'hand_clip' as kind, c.id, c.title, c.notes, c.rank from (${CLIP_TOP}) c
order by c.rank desc, c.id limit $2 offset $3`;

/**
 * The same hand-clip ranking over every matching clip, scored and sorted: what the strategies above must return.
 * Exported for the tests and the benchmark, which compare against it.
 */
export const HAND_CLIP_EXACT_SQL = `select 'hand_clip' as kind, m.id, m.title, m.notes, ts_rank(m.notes_search, ${Q}) as rank
  from catalog.hand_clips m where m.deleted_at is null and m.notes_search @@ ${Q}
  order by rank desc, m.id limit $2 offset $3`;

const SEARCH_SQL = `${CLIP_PROBE}
(${VIDEO_HITS})
union all
(select 'hand_clip' as kind, c.id, c.title, c.notes, c.rank from (${CLIP_TOP}) c)
order by rank desc, id limit $2 offset $3`;

// While the word index is not yet complete (its backfill has not finished), clips are ranked by scoring every match.
const SEARCH_EXACT_SQL = `(${VIDEO_HITS})
union all
(select 'hand_clip' as kind, m.id, m.title, m.notes, ts_rank(m.notes_search, ${Q}) as rank
  from catalog.hand_clips m where m.deleted_at is null and m.notes_search @@ ${Q}
  order by rank desc, m.id limit ${TOP})
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
  const [state] = await query<{ complete: boolean }>(
    em,
    'select complete from catalog.hand_clip_lexemes_state',
    [],
    'catalog.word_index_complete',
  );
  if (state?.complete !== true) return false;
  wordIndexComplete.add(em.config);
  return true;
}

/**
 * Ranked full-text search over video titles and hand-clip notes (English stemming; web-search syntax:
 * `"exact phrase"`, `or`, `-excluded`). A hot read path: plain typed rows with bound parameters, served
 * by the GIN indexes and the ranked word index of the clips' notes, soft-deleted rows excluded. Hits come in exact
 * ts_rank order (descending, then id), whatever strategy serves the query. Until the word index is complete (its
 * backfill still running after a deploy), clip searches score every match instead: slower, the same hits.
 */
export class SearchRepository {
  readonly em: EntityManager;

  constructor(em: EntityManager) {
    this.em = em;
  }

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
    sql: string,
    text: string,
    options: PageOptions,
  ): Promise<SearchPage> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new ValidationError(entity, 'query', 'must contain at least one word');
    }
    const { page, limit, offset } = pageOf(entity, options, CATALOG_PAGE);
    // One row more than the page says whether another page exists, without counting every match. Named: every
    // strategy's plan suits any frequency of its words, so a generic plan is as good as one planned per text.
    const rows = await query<SearchHit>(this.em, sql, [text, limit + 1, offset], name);
    return { items: rows.slice(0, limit), page, limit, hasMore: rows.length > limit };
  }
}

// Read consistency per method (callers override with withConsistency); full-text search may ask for 'replica'.
declareConsistency(SearchRepository, {
  reads: { searchVideoFiles: 'read-your-writes', searchHandClips: 'read-your-writes', search: 'read-your-writes' },
  writes: [],
  internal: ['run'],
});
