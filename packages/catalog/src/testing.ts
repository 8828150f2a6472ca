/** @tessera/catalog/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export {
  episodeFactory,
  eventFactory,
  googleSheetSyncFactory,
  handClipFactory,
  playerFactory,
  projectFactory,
  seasonFactory,
  tagFactory,
  videoFileFactory,
} from './factories/catalog.factories.ts';
