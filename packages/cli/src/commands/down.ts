import { down } from '../api.ts';
import { type CommandContext, UsageError } from '../command.ts';
import { lockTimeoutOption, runOptions } from './shared.ts';

export const options = { to: { type: 'string' as const }, steps: { type: 'string' as const }, ...lockTimeoutOption };

/** `tessera down`: reverts the last migration, the last N, or all applied after a name. */
export async function run(ctx: CommandContext): Promise<number> {
  const steps = ctx.values.steps === undefined ? undefined : Number(ctx.values.steps);
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) {
    throw new UsageError('--steps must be a positive integer');
  }
  const to = typeof ctx.values.to === 'string' ? ctx.values.to : undefined;
  const reverted = await down(ctx.config, {
    ...runOptions(ctx, true),
    ...(to !== undefined ? { to } : {}),
    ...(steps !== undefined ? { steps } : {}),
  });
  ctx.out(reverted.length === 0 ? 'Nothing to revert.' : `Reverted ${reverted.length} migration(s).`);
  return 0;
}

export { waitForDatabase } from './shared.ts';
