import { createOrm, type MonthlyPartitionedTable, maintainPartitions } from '@tessera/kernel';
import { platform } from '../composition.ts';
import { archivePartition } from '../ops/archive.ts';
import { type Command, type CommandContext, UsageError } from './types.ts';

/** Every monthly-partitioned table of the platform: what the composed contexts declare. */
export const PARTITIONED_TABLES: readonly MonthlyPartitionedTable[] = platform.partitionedTables;

function count(ctx: CommandContext, option: string, fallback: number | undefined): number | undefined {
  const raw = ctx.values[option];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new UsageError(`--${option} must be a non-negative whole number of months (got ${String(raw)})`);
  }
  return value;
}

/**
 * `tessera partitions`: creates the coming months' partitions and drops those past the retention; with
 * `--archive DIR`, each is first written to DIR and the written copy verified.
 */
export const partitions: Command = {
  options: { ahead: { type: 'string' }, 'retention-months': { type: 'string' }, archive: { type: 'string' } },
  async run(ctx) {
    const ahead = count(ctx, 'ahead', 3);
    const retentionMonths = count(ctx, 'retention-months', undefined);
    const dir = ctx.values.archive;
    if (dir !== undefined && (typeof dir !== 'string' || !dir.trim())) {
      throw new UsageError('--archive must name a folder');
    }
    const archive = dir
      ? async (partition: { schema: string; name: string }) => {
          const written = await archivePartition(ctx.url, partition, dir);
          ctx.out(
            `archived ${partition.schema}.${partition.name} to ${written.file} (${written.rows} row(s), verified)`,
          );
          return written.rows;
        }
      : undefined;
    const orm = await createOrm(platform, ctx.url, { pool: { min: 0, max: 1 } });
    try {
      for (const table of PARTITIONED_TABLES) {
        const result = await maintainPartitions(orm.em.fork(), table, {
          ahead,
          retentionMonths,
          ...(archive ? { archive } : {}),
        });
        const created = result.created.length > 0 ? result.created.join(', ') : 'none';
        const dropped = result.dropped.length > 0 ? result.dropped.join(', ') : 'none';
        ctx.out(
          `${result.table}: created ${created}; dropped ${dropped}; moved ${result.movedRows} row(s) from the default partition`,
        );
      }
      if (retentionMonths === undefined) ctx.out('No --retention-months given: no partition was dropped.');
      return 0;
    } finally {
      await orm.close(true);
    }
  },
};
