import { defineContext } from '@tessera/kernel';
import { nas } from '@tessera/nas';
import { Episode } from './entities/episode.entity.ts';
import { Event } from './entities/event.entity.ts';
import { GoogleSheetSync } from './entities/google-sheet-sync.entity.ts';
import { HandClip } from './entities/hand-clip.entity.ts';
import { HandClipPlayer } from './entities/hand-clip-player.entity.ts';
import { HandClipTag } from './entities/hand-clip-tag.entity.ts';
import { Player } from './entities/player.entity.ts';
import { Project } from './entities/project.entity.ts';
import { Season } from './entities/season.entity.ts';
import { Tag } from './entities/tag.entity.ts';
import { VideoFile } from './entities/video-file.entity.ts';
import { migrations } from './migrations/index.ts';

/** The full-text GIN indexes, created in raw SQL: an expression index on video titles, one on the clips' stored vector. */
export const FULL_TEXT_INDEXES = ['ix_video_files_title_gin', 'ix_hand_clips_notes_search'] as const;

/**
 * The ranked word index of hand-clip notes, created in raw SQL: one row per (lexeme, live clip) with the clip's
 * ts_rank for that lexeme, its index in ranking order, the functions and triggers that keep it in step, the
 * one-row table that says whether the clips written before the trigger have been backfilled, and the functions that
 * search it (a query's words; a query's best clips).
 */
export const NOTES_LEXEME_OBJECTS = [
  { kind: 'table', name: 'hand_clip_lexemes' },
  { kind: 'table', name: 'hand_clip_lexemes_state' },
  { kind: 'index', name: 'ix_hand_clip_lexemes_rank' },
  { kind: 'function', name: 'lexeme_tsquery' },
  { kind: 'function', name: 'hand_clip_lexeme_rows' },
  { kind: 'function', name: 'hand_clips_hand_clip_lexemes_sync_fn' },
  { kind: 'function', name: 'tsquery_words' },
  { kind: 'function', name: 'hand_clip_search' },
  { kind: 'function', name: 'hand_clips_matching_estimate' },
  { kind: 'trigger', name: 'hand_clip_lexemes_sync' },
  { kind: 'trigger', name: 'hand_clip_lexemes_truncate' },
] as const;

/** The hand clips' stored tsvector column (generated from the notes; written by PostgreSQL, not mapped). */
export const NOTES_SEARCH_COLUMN = 'notes_search';

/** The catalog context: the poker-VOD catalog (projects to hand clips), players, tags and sheet sync. Schema `catalog`. */
export const catalog = defineContext({
  name: 'catalog',
  dependsOn: [nas],
  entities: [
    Project,
    Season,
    Event,
    Episode,
    VideoFile,
    HandClip,
    Tag,
    Player,
    HandClipTag,
    HandClipPlayer,
    GoogleSheetSync,
  ],
  migrations,
  // Sample data for `tessera seed`, loaded only when seeding: factories and faker stay out of the runtime entry.
  seed: () => import('./seed.ts'),
  rawObjects: [
    ...FULL_TEXT_INDEXES.map((name) => ({ kind: 'index', name }) as const),
    { kind: 'column', name: `hand_clips.${NOTES_SEARCH_COLUMN}` },
    ...NOTES_LEXEME_OBJECTS,
  ],
});
