/** @tessera/workflows/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export { agentFactory, workflowFactory } from './factories/index.ts';
