import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ContextModule, composeContexts } from '@tessera/kernel';
import { createMigration, lintCreatedMigration, migrationsDir, pendingEntityChanges } from './authoring.ts';
import {
  formatFinding,
  type LintFinding,
  lintMigrations,
  notAccepted,
  readBaseline,
  writeBaseline,
} from './lint/index.ts';

const USAGE = `usage: tessera-migration create <name>   write a migration for this package's entity changes
       tessera-migration create <name> --blank   write an empty migration, for raw SQL
       tessera-migration check           fail when entities changed without a migration, or a migration fails lint
       tessera-migration baseline        record every existing migration as accepted by lint (once, when adopting it)`;

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

/**
 * The context composed with every sibling context package of the workspace, so lint knows which other contexts
 * reference this one's tables (a package only knows what it depends on, not what depends on it).
 */
async function workspaceComposition(ctx: ContextModule, packageDir: string) {
  const parent = join(packageDir, '..');
  const siblings: ContextModule[] = [];
  for (const dir of readdirSync(parent)) {
    const dirPath = join(parent, dir);
    const file = join(dirPath, 'src', 'context.ts');
    if (dirPath === packageDir || !existsSync(file)) continue;
    // Packages such as the kernel have a context.ts that defines contexts without exporting one.
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    siblings.push(...Object.values(mod).filter(isContext));
  }
  return composeContexts([ctx, ...siblings.filter((s) => s.name !== ctx.name)]);
}

function reportLint(ctx: ContextModule, findings: readonly LintFinding[]): void {
  console.error(
    `${ctx.name}: migration lint found ${findings.length} problem(s). Fix the migration, or acknowledge a rule ` +
      'with a reason in `static readonly acknowledge = { "<rule>": "<why>" }` on the migration class:',
  );
  for (const f of findings) console.error(formatFinding(f));
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
    const findings = await lintCreatedMigration(await workspaceComposition(ctx, packageDir), ctx, packageDir, file);
    if (findings.length > 0) {
      reportLint(ctx, findings);
      return 1;
    }
    console.log(`${ctx.name}: ${file} passes migration lint`);
    return 0;
  }
  if (command === 'baseline') {
    const ctx = await loadContext(packageDir);
    const names = await writeBaseline(migrationsDir(packageDir), ctx.migrations);
    console.log(`${ctx.name}: recorded ${names.length} migration(s) as accepted in src/migrations/.lint-baseline.json`);
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
    const toLint = await notAccepted(ctx.migrations, readBaseline(migrationsDir(packageDir)));
    const findings =
      toLint.length === 0
        ? []
        : await lintMigrations(
            await workspaceComposition(ctx, packageDir),
            toLint.map((entry) => ({ context: ctx.name, entry })),
          );
    if (findings.length > 0) {
      reportLint(ctx, findings);
      return 1;
    }
    console.log(
      `${ctx.name}: every entity change has a migration; ${toLint.length} migration(s) linted, ` +
        `${ctx.migrations.length - toLint.length} accepted by the baseline`,
    );
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
