/** @tessera/catalog/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export {
  EpisodeFactory,
  EventFactory,
  GoogleSheetSyncFactory,
  HandClipFactory,
  PlayerFactory,
  ProjectFactory,
  SeasonFactory,
  TagFactory,
  VideoFileFactory,
} from './factories/catalog.factories.ts';
