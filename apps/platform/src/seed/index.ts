import type { Composition, Seeder } from '@tessera/kernel';

export type { SeedContext, Seeder, SeedReport } from '@tessera/kernel';

/** A composed context's seeder, with the context (its schema) it fills. */
export interface ContextSeeder {
  readonly context: string;
  readonly seeder: Seeder;
}

/**
 * The seeders the composed contexts declare (`seed` in `defineContext`), in composition order, so a context
 * is seeded after every context it depends on. Each is imported only now: sample-data code is loaded only
 * by `tessera seed`.
 */
export async function loadSeeders(composition: Composition): Promise<ContextSeeder[]> {
  const out: ContextSeeder[] = [];
  for (const ctx of composition.contexts) {
    if (ctx.seed) out.push({ context: ctx.name, seeder: (await ctx.seed()).seeder });
  }
  return out;
}
