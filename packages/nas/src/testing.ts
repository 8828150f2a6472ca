/** @tessera/nas/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export { nasFileFactory, nasFolderFactory } from './factories/index.ts';
