import { migrate } from '../api.ts';
import type { CommandContext } from '../command.ts';
import { lockTimeoutOption, runOptions } from './shared.ts';

export const options = lockTimeoutOption;

/** `tessera migrate`: applies every pending migration. */
export async function run(ctx: CommandContext): Promise<number> {
  const applied = await migrate(ctx.config, runOptions(ctx, true));
  ctx.out(
    applied.length === 0 ? 'The database is up to date; nothing to apply.' : `Applied ${applied.length} migration(s).`,
  );
  return 0;
}

export { waitForDatabase } from './shared.ts';
