import { resolve } from '../api.ts';
import { type CommandContext, UsageError } from '../command.ts';
import { runOptions } from './shared.ts';

export const options = { applied: { type: 'boolean' as const }, 'rolled-back': { type: 'boolean' as const } };

/** `tessera resolve NAME --applied|--rolled-back`: a person's verdict on a failed non-transactional migration. */
export async function run(ctx: CommandContext): Promise<number> {
  const [name, ...extra] = ctx.positionals;
  if (!name || extra.length > 0) throw new UsageError('resolve takes one migration name');
  const applied = ctx.values.applied === true;
  if (applied === (ctx.values['rolled-back'] === true)) {
    throw new UsageError('resolve needs exactly one of --applied or --rolled-back');
  }
  const { migration, context } = await resolve(ctx.config, {
    ...runOptions(ctx),
    name,
    resolution: applied ? 'applied' : 'rolled-back',
  });
  ctx.out(
    applied
      ? `Marked ${migration} (${context}) as applied; migrate will not run it again.`
      : `Marked ${migration} (${context}) as rolled back; the next migrate runs it again.`,
  );
  return 0;
}

export { waitForDatabase } from './shared.ts';
