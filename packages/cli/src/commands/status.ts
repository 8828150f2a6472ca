import { status } from '../api.ts';
import type { CommandContext } from '../command.ts';
import { runOptions } from './shared.ts';

/** `tessera status`: applied and pending migrations per context, any edited or missing ones, invalid indexes and failed runs. */
export async function run(ctx: CommandContext): Promise<number> {
  for (const s of await status(ctx.config, runOptions(ctx))) {
    const last = s.applied.at(-1);
    ctx.out(
      `${s.context.padEnd(12)} ${s.applied.length} applied, ${s.pending.length} pending${last ? `, last ${last.name} at ${last.appliedAt.toISOString()}` : ''}`,
    );
    for (const p of s.pending) ctx.out(`  pending  ${p}`);
    for (const e of s.edited) ctx.out(`  EDITED   ${e} (changed after it was applied)`);
    for (const m of s.missing) ctx.out(`  MISSING  ${m} (applied, but not in the code)`);
    for (const i of s.invalidIndexes) ctx.out(`  INVALID  index ${i} (a failed concurrent build; migrate rebuilds it)`);
    for (const f of s.failed) ctx.out(`  FAILED   ${f.name} at ${f.failedAt.toISOString()}: ${f.error ?? ''}`);
  }
  return 0;
}

export { waitForDatabase } from './shared.ts';
