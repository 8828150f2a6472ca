import { composeContexts, createOrm } from '@tessera/kernel';
import { DEFAULT_RETENTION_BATCH, DEFAULT_RETENTION_DAYS, knowledge, purgeSearchHistory } from '@tessera/knowledge';
import { type Command, UsageError } from './types.ts';

function positiveNumber(raw: string | boolean | undefined, name: string, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a ${integer ? 'positive integer' : 'number, 0 or more'} (got ${raw})`);
  }
  return value;
}

/**
 * `tessera retention`: deletes search history (queries; their responses and feedback by cascade) older than
 * `--days` in batches of `--batch-size`, each its own short transaction, skipping rows live transactions hold.
 * Safe to re-run, and safe while the platform keeps writing.
 */
export const retention: Command = {
  options: { days: { type: 'string' }, 'batch-size': { type: 'string' } },
  async run(ctx) {
    const days = positiveNumber(ctx.values.days, 'days', DEFAULT_RETENTION_DAYS, false);
    const batchSize = positiveNumber(ctx.values['batch-size'], 'batch-size', DEFAULT_RETENTION_BATCH, true);
    if (batchSize < 1) throw new UsageError('--batch-size must be a positive integer (got 0)');
    const orm = await createOrm(composeContexts([knowledge]), ctx.url, { pool: { min: 0, max: 1 } });
    try {
      const em = orm.em.fork();
      const [table] = await em.execute<{ t: string | null }[]>(`select to_regclass('knowledge.search_queries') as t`);
      if (!table?.t) {
        ctx.err('tessera: the knowledge tables do not exist yet: run `tessera migrate` first');
        return 1;
      }
      const result = await purgeSearchHistory(em, {
        days,
        batchSize,
        onProgress: (p) =>
          ctx.out(
            `batch ${p.batches}: deleted ${p.deleted}/${p.total} (${Math.round((100 * p.deleted) / Math.max(p.total, 1))}%)`,
          ),
      });
      ctx.out(
        `Deleted ${result.deleted} search quer${result.deleted === 1 ? 'y' : 'ies'} older than ${days} days ` +
          `(before ${result.cutoff.toISOString()}) in ${result.batches} batch(es), with their responses and feedback.`,
      );
      if (result.skippedLocked > 0) {
        ctx.out(
          `${result.skippedLocked} old quer${result.skippedLocked === 1 ? 'y was' : 'ies were'} in use and kept; run again to delete them.`,
        );
      }
      return 0;
    } finally {
      await orm.close(true);
    }
  },
};
