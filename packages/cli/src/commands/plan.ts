import { plan } from '../api.ts';
import type { CommandContext } from '../command.ts';
import { runOptions } from './shared.ts';

/** `tessera plan`: the pending migrations and their SQL. */
export async function run(ctx: CommandContext): Promise<number> {
  const pending = await plan(ctx.config, runOptions(ctx));
  if (pending.length === 0) ctx.out('Nothing to apply.');
  for (const [i, m] of pending.entries()) {
    ctx.out(
      `-- [${i + 1}/${pending.length}] ${m.context}: ${m.name}${m.transactional ? '' : ' (non-transactional)'}${m.outOfOrder ? ' (out of order)' : ''}`,
    );
    for (const sql of m.statements) ctx.out(`${sql.replace(/;\s*$/, '')};`);
    ctx.out();
  }
  return 0;
}

export { waitForDatabase } from './shared.ts';
