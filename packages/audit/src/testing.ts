/** @tessera/audit/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export { auditLogFactory, eventFactory } from './factories/index.ts';
