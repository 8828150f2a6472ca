import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * One scan root's last run. A run is recorded as started before its first batch commits and finished in the
 * transaction that rolls its counts up, so a rerun after a crash knows that the counts must be rolled up again
 * even when it finds nothing new to write.
 */
export const NasScanRun = defineEntity({
  name: 'NasScanRun',
  tableName: 'nas_scan_runs',
  schema: 'nas',
  properties: {
    root: p.text().primary(),
    startedAt: p.datetime().columnType('timestamptz'),
    /** Null while the run is going on, or when it was interrupted. */
    finishedAt: p.datetime().columnType('timestamptz').nullable(),
  },
});

/** A loaded scan run. */
export type INasScanRun = InferEntity<typeof NasScanRun>;
