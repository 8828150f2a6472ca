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

// The expressions must be exactly those of the full-text GIN indexes of the catalog's initial migration, or
// PostgreSQL cannot use them.
const VIDEO_VECTOR = `to_tsvector('english'::regconfig, (display_title)::text)`;
const CLIP_VECTOR = `to_tsvector('english'::regconfig, notes)`;

const VIDEO_HITS = `select 'video_file' as kind, v.id, v.display_title as title, null::text as notes,
  ts_rank(${VIDEO_VECTOR}, q) as rank
  from catalog.video_files v, websearch_to_tsquery('english', $1) q
  where v.deleted_at is null and ${VIDEO_VECTOR} @@ q`;
/**
 * How many of the newest matching clips are ranked. A term in fewer clips is ranked over all its matches, exactly;
 * a common one over its newest CANDIDATES matches, which the planner finds by walking the primary key backwards
 * (UUIDv7 ids: newest first) and stops, instead of scoring every match (a term in 17% of a million clips would
 * score 170,000 rows, about a second). Ranking is ts_rank on the stored vector, as before.
 */
export const CANDIDATES = 1000;

const CLIP_CANDIDATES = `select h.id, h.title, h.notes, h.notes_search
  from catalog.hand_clips h, websearch_to_tsquery('english', $1) q
  where h.deleted_at is null and h.notes_search @@ q order by h.id desc limit greatest($4::int, $2::int + $3::int)`;
const CLIP_HITS = `select 'hand_clip' as kind, c.id, c.title, c.notes, ts_rank(c.notes_search, q) as rank
  from (${CLIP_CANDIDATES}) c, websearch_to_tsquery('english', $1) q`;

/** The SQL of {@link SearchRepository.searchHandClips}, exported so the benchmark runs exactly it through raw `pg`. */
export const HAND_CLIP_SEARCH_SQL = `${CLIP_HITS} order by rank desc, id limit $2 offset $3`;

/**
 * Ranked full-text search over video titles and hand-clip notes (English stemming; web-search syntax:
 * `"exact phrase"`, `or`, `-excluded`). A hot read path: plain typed rows with bound parameters, served
 * by the GIN indexes, soft-deleted rows excluded.
 */
export class SearchRepository {
  readonly em: EntityManager;

  constructor(em: EntityManager) {
    this.em = em;
  }

  /** Video files whose display title matches. */
  searchVideoFiles(text: string, options: PageOptions = {}): Promise<SearchPage> {
    return this.run(
      'VideoFile',
      `${VIDEO_HITS} and $4::int > 0 order by rank desc, id limit $2 offset $3`,
      text,
      options,
    );
  }

  /** Hand clips whose notes match. */
  searchHandClips(text: string, options: PageOptions = {}): Promise<SearchPage> {
    return this.run('HandClip', HAND_CLIP_SEARCH_SQL, text, options);
  }

  /** Both, in one ranking. */
  search(text: string, options: PageOptions = {}): Promise<SearchPage> {
    return this.run(
      'Search',
      `(${VIDEO_HITS}) union all (${CLIP_HITS}) order by rank desc, id limit $2 offset $3`,
      text,
      options,
    );
  }

  private async run(entity: string, sql: string, text: string, options: PageOptions): Promise<SearchPage> {
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new ValidationError(entity, 'query', 'must contain at least one word');
    }
    const { page, limit, offset } = pageOf(entity, options, CATALOG_PAGE);
    // One row more than the page says whether another page exists, without counting every match. Unnamed on
    // purpose: a term's frequency decides the plan (index walk or bitmap), so each call is planned for its term.
    const rows = await query<SearchHit>(this.em, sql, [text, limit + 1, offset, CANDIDATES]);
    return { items: rows.slice(0, limit), page, limit, hasMore: rows.length > limit };
  }
}

// Read consistency per method (callers override with withConsistency); full-text search may ask for 'replica'.
declareConsistency(SearchRepository, {
  reads: { searchVideoFiles: 'read-your-writes', searchHandClips: 'read-your-writes', search: 'read-your-writes' },
  writes: [],
  internal: ['run'],
});
