import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContextModule } from '@tessera/kernel';
import { createMigration, pendingEntityChanges } from './authoring.ts';

const USAGE = `usage: tessera-migration create <name>   write a migration for this package's entity changes
       tessera-migration create <name> --blank   write an empty migration, for raw SQL
       tessera-migration check           fail when entities changed without a migration`;

function isContext(value: unknown): value is ContextModule {
  return typeof value === 'object' && value !== null && 'name' in value && 'entities' in value && 'migrations' in value;
}

/** Loads the context of the package in the current directory from `src/context.ts`. */
async function loadContext(packageDir: string): Promise<ContextModule> {
  const file = join(packageDir, 'src', 'context.ts');
  if (!existsSync(file)) throw new Error(`${file} not found: run this inside a context package`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const found = Object.values(mod).filter(isContext);
  if (found.length !== 1) throw new Error(`${file} must export exactly one context (found ${found.length})`);
  return found[0] as ContextModule;
}

async function main(argv: string[]): Promise<number> {
  const blank = argv.includes('--blank');
  const [command, name] = argv.filter((a) => a !== '--blank');
  const packageDir = process.cwd();
  if (command === 'create') {
    if (!name) {
      console.error(USAGE);
      return 2;
    }
    const ctx = await loadContext(packageDir);
    const file = await createMigration(ctx, packageDir, name, { blank });
    if (!file) {
      console.log(`${ctx.name}: the entities match the snapshot; no migration written`);
      return 0;
    }
    console.log(`${ctx.name}: wrote src/migrations/${file} and updated the snapshot and src/migrations/index.ts`);
    return 0;
  }
  if (command === 'check') {
    const ctx = await loadContext(packageDir);
    const sql = await pendingEntityChanges(ctx, packageDir);
    if (sql) {
      console.error(
        `${ctx.name}: the entities changed but no migration records it. Run \`pnpm migration:create <name>\`. Missing SQL:\n${sql}`,
      );
      return 1;
    }
    console.log(`${ctx.name}: every entity change has a migration`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`tessera-migration: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
