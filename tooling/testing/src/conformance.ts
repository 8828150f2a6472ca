import { fileURLToPath } from 'node:url';
import type { ContextModule } from '@tessera/kernel';
import { checkDrift, pendingEntityChanges } from '@tessera/migrator';
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from './index.ts';

/**
 * The two checks every context owes its users, as one line in its tests: the migrations build exactly what the
 * entities describe (the drift check finds nothing on a freshly migrated database), and every entity change has
 * a migration (what `migration:check` verifies, from the committed snapshot).
 */
export function describeSchemaConformance(context: ContextModule, db: TestDatabase, packageDir: URL): void {
  describe(`the ${context.name} migrations`, () => {
    it('leave no drift between the entities and a freshly migrated database', async () => {
      expect((await checkDrift(db.composition, db.url)).statements).toEqual([]);
    });

    it('record every entity change (migration:check passes)', async () => {
      expect(await pendingEntityChanges(context, fileURLToPath(packageDir))).toBe('');
    });
  });
}
