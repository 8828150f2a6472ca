import { auditSeeder } from './audit.ts';
import { catalogSeeder } from './catalog.ts';
import { executionsSeeder } from './executions.ts';
import { identitySeeder } from './identity.ts';
import { knowledgeSeeder } from './knowledge.ts';
import { nasSeeder } from './nas.ts';
import type { Seeder } from './registry.ts';
import { workflowsSeeder } from './workflows.ts';

export { orderSeeders, type SeedContext, type Seeder, type SeedReport, tally } from './registry.ts';

/**
 * Every context's sample data. Add a context: write `seed/<context>.ts` exporting a {@link Seeder} built on
 * the package's factories, and add it here (one import, one entry). Order does not matter: `after` does.
 */
export const seeders: readonly Seeder[] = [
  identitySeeder,
  knowledgeSeeder,
  nasSeeder,
  auditSeeder,
  workflowsSeeder,
  executionsSeeder,
  catalogSeeder,
];
