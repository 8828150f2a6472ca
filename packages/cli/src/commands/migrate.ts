import { migrate } from '../api.ts';
import type { CommandContext, Preflight, PreflightContext } from '../command.ts';
import { lockTimeoutMs, lockTimeoutOption, runOptions } from './shared.ts';

export const options = lockTimeoutOption;

const UP_TO_DATE = 'The database is up to date; nothing to apply.';

/** A URL `pg` can be handed as it is; anything else goes the full way, which reports what is wrong with it. */
function plainPostgresUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * With a manifest and `DATABASE_URL`, answers a migrate that has nothing to do without loading the config, the
 * contexts or the ORM; otherwise hands the connection it opened to the run.
 */
export async function preflight(ctx: PreflightContext): Promise<Preflight | undefined> {
  lockTimeoutMs(ctx);
  const database = plainPostgresUrl(ctx.env.DATABASE_URL);
  if (!ctx.manifest || !database) return undefined;
  // The migration URL, as `migrationUrl` picks it (kept inline: that module loads the ORM).
  const url = plainPostgresUrl(ctx.env.TESSERA_MIGRATION_URL?.trim() || database);
  if (!url) return undefined;
  const { checkUpToDate, readManifest } = await import('@tessera/migrator/manifest');
  const manifest = await readManifest(ctx.manifest);
  if (!manifest) return undefined;
  const result = await checkUpToDate(manifest, url);
  if (result.upToDate) {
    ctx.out(UP_TO_DATE);
    return { exitCode: 0 };
  }
  return result.client ? { connection: result.client } : undefined;
}

/** `tessera migrate`: applies every pending migration. */
export async function run(ctx: CommandContext): Promise<number> {
  const applied = await migrate(ctx.config, runOptions(ctx, true));
  ctx.out(applied.length === 0 ? UP_TO_DATE : `Applied ${applied.length} migration(s).`);
  return 0;
}

export { waitForDatabase } from './shared.ts';
