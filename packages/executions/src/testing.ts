/** @tessera/executions/testing: factories for tests and seeding (they need `@faker-js/faker` and `@mikro-orm/seeder` where used). */
export {
  type ExecutionOverrides,
  executionFactory,
  executionLogFactory,
  executionStepFactory,
  type LogOverrides,
  type StepOverrides,
} from './factories/index.ts';
