import { history } from '../api.ts';
import type { CommandContext } from '../command.ts';
import { renderTable } from '../table.ts';
import { runOptions } from './shared.ts';

export const options = { json: { type: 'boolean' as const } };

/** `tessera history`: the applied migrations, oldest first, with time, duration, checksum and context. */
export async function run(ctx: CommandContext): Promise<number> {
  const applied = await history(ctx.config, runOptions(ctx));
  if (ctx.values.json) {
    const rows = applied.map((a) => ({
      name: a.name,
      context: a.context,
      appliedAt: a.appliedAt.toISOString(),
      durationMs: a.executionMs,
      checksum: a.checksum,
      transactional: a.transactional,
      resolution: a.resolution,
    }));
    ctx.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (applied.length === 0) {
    ctx.out('No migration is applied.');
    return 0;
  }
  const rows = applied.map((a) => [
    a.appliedAt.toISOString(),
    `${a.executionMs} ms`,
    a.context,
    a.name,
    a.checksum.slice(0, 12),
    [a.transactional ? '' : 'non-transactional', a.resolution ?? ''].filter(Boolean).join(', '),
  ]);
  for (const line of renderTable(['applied at', 'duration', 'context', 'migration', 'checksum', 'note'], rows))
    ctx.out(line);
  return 0;
}

export { waitForDatabase } from './shared.ts';
