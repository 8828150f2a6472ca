/** @tessera/catalog: the poker-VOD catalog (schema `catalog`): series to hand clips, tags, players, sheet sync. */
export { catalog, FULL_TEXT_INDEXES } from './context.ts';
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
export {
  type HandClipInput,
  HandClipRepository,
  type HandPlayer,
  type TagKey,
} from './repositories/hand-clip.repository.ts';
export {
  HAND_CLIP_SEARCH_SQL,
  type SearchHit,
  type SearchPage,
  SearchRepository,
} from './repositories/search.repository.ts';
export { importHandClipsCsv, SheetImportError, type SheetImportResult } from './repositories/sheet-import.ts';
export { restore, softDelete } from './rules/soft-delete.ts';
