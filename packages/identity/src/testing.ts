/** @tessera/identity/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export {
  type RoleOverrides,
  roleFactory,
  type TokenOverrides,
  tokenFactory,
  type UserOverrides,
  userFactory,
} from './factories/index.ts';
