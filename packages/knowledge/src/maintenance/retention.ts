import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlResult, ValidationError } from '@tessera/kernel';

/** How long search history is kept by default: 90 days. */
export const DEFAULT_RETENTION_DAYS = 90;

/** The default number of queries deleted per batch (each batch is its own short transaction). */
export const DEFAULT_RETENTION_BATCH = 5000;

/** Progress of a purge, reported after every batch. */
export interface RetentionProgress {
  /** Queries deleted so far (their responses and feedback go with them, by cascade). */
  deleted: number;
  /** Queries older than the cutoff when the purge started. */
  total: number;
  batches: number;
}

/** Options of {@link purgeSearchHistory}. */
export interface RetentionOptions {
  /** Delete history older than this many days (default {@link DEFAULT_RETENTION_DAYS}). */
  days?: number;
  /** Queries per batch (default {@link DEFAULT_RETENTION_BATCH}). */
  batchSize?: number;
  /** The moment "now" is measured from (default: the database's clock). */
  now?: Date;
  onProgress?: (progress: RetentionProgress) => void;
}

/** What a purge did. */
export interface RetentionResult extends RetentionProgress {
  cutoff: Date;
  /** Old queries left because another transaction held them (a later run deletes them). */
  skippedLocked: number;
}

/**
 * Deletes one batch of search queries older than `cutoff`, oldest first, and returns how many. Rows another
 * transaction has locked (feedback being added, say) are skipped rather than waited for, so a purge never
 * blocks live traffic and two purges never wait on each other. Responses and feedback go by cascade.
 */
export async function deleteSearchHistoryBatch(em: EntityManager, cutoff: Date, batchSize: number): Promise<number> {
  const result = await sqlResult(em, {
    text: `delete from knowledge.search_queries where id in (
         select id from knowledge.search_queries where "timestamp" < $1 order by "timestamp" limit $2 for update skip locked)`,
    values: [cutoff, batchSize],
  });
  return result.rowCount;
}

/**
 * Deletes search history older than `days` in batches of `batchSize`, reporting progress after each. Each
 * batch commits on its own, so an interrupted purge keeps what it did and re-running it finishes the job.
 */
export async function purgeSearchHistory(em: EntityManager, options: RetentionOptions = {}): Promise<RetentionResult> {
  const days = options.days ?? DEFAULT_RETENTION_DAYS;
  const batchSize = options.batchSize ?? DEFAULT_RETENTION_BATCH;
  if (!Number.isFinite(days) || days < 0) {
    throw new ValidationError('SearchQuery', 'days', 'must be a number of days, 0 or more');
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) {
    throw new ValidationError('SearchQuery', 'batchSize', 'must be an integer from 1 to 1000000');
  }
  const [clock] = await sql<{ now: Date }>(em, { text: 'select now() as now' });
  const now = options.now ?? new Date(clock?.now ?? Date.now());
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const [counted] = await sql<{ n: string }>(em, {
    text: 'select count(*) as n from knowledge.search_queries where "timestamp" < $1',
    values: [cutoff],
  });
  const total = Number(counted?.n ?? 0);
  const progress: RetentionProgress = { deleted: 0, total, batches: 0 };
  for (;;) {
    const n = await deleteSearchHistoryBatch(em, cutoff, batchSize);
    if (n === 0) break;
    progress.deleted += n;
    progress.batches += 1;
    options.onProgress?.({ ...progress });
  }
  const [left] = await sql<{ n: string }>(em, {
    text: 'select count(*) as n from knowledge.search_queries where "timestamp" < $1',
    values: [cutoff],
  });
  return { ...progress, cutoff, skippedLocked: Number(left?.n ?? 0) };
}
