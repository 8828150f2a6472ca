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
  rawObjects: [...FULL_TEXT_INDEXES, NOTES_SEARCH_COLUMN],
});
