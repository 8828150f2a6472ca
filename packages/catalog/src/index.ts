/** @tessera/catalog: the poker-VOD catalog (schema `catalog`): series to hand clips, tags, players, sheet sync. */

/** The context module to compose (`composeContexts([catalog])`). */
export { catalog } from './context.ts';
/** The catalog entities: series (project) → season → event → episode, video files, hand clips, tags, players. */
export { Episode, type IEpisode } from './entities/episode.entity.ts';
export { Event, type IEvent } from './entities/event.entity.ts';
export {
  GoogleSheetSync,
  type IGoogleSheetSync,
  SHEET_SYNC_STATUSES,
  type SheetSyncStatus,
} from './entities/google-sheet-sync.entity.ts';
export { HandClip, type IHandClip } from './entities/hand-clip.entity.ts';
export { HandClipPlayer, type IHandClipPlayer } from './entities/hand-clip-player.entity.ts';
export { HandClipTag, type IHandClipTag } from './entities/hand-clip-tag.entity.ts';
export { type IPlayer, Player } from './entities/player.entity.ts';
export { type IProject, PROJECT_CODE_PATTERN, Project } from './entities/project.entity.ts';
export { type ISeason, Season } from './entities/season.entity.ts';
export { type ITag, Tag } from './entities/tag.entity.ts';
export {
  type IVideoFile,
  VIDEO_VERSION_TYPES,
  VideoFile,
  type VideoVersionType,
} from './entities/video-file.entity.ts';
/** Importing hand clips from a sheet export (CSV), all or nothing; a bad cell names its row and column. */
export { importHandClipsCsv, SheetImportError, type SheetImportResult } from './import/sheet-import.ts';
export { SheetCellError, type SheetColumn } from './import/sheet-rows.ts';
/** Creating, reading, listing and soft-deleting projects and their trees. */
export {
  CatalogRepository,
  type CatalogTreeInput,
  type CatalogTreeResult,
  type EpisodeInput,
  type EventInput,
  type ProjectInput,
  type ProjectPage,
  type SeasonInput,
  type SkippedSeason,
} from './repositories/catalog.repository.ts';
/** Hand clips, their players and tags. */
export {
  type HandClipInput,
  type HandClipRecord,
  HandClipRepository,
  type HandPlayer,
  type TagKey,
  type TagRecord,
} from './repositories/hand-clip.repository.ts';
/** Ranked full-text search over video titles and clip notes. */
export {
  type SearchHit,
  type SearchPage,
  SearchRepository,
} from './repositories/search.repository.ts';
/** Soft delete and restore of any catalog row by id. */
export { restore, softDelete } from './rules/soft-delete.ts';
