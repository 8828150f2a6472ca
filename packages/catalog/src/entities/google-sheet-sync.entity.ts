import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';

/** Where a sheet's sync stands. */
export const SHEET_SYNC_STATUSES = ['idle', 'running', 'succeeded', 'failed'] as const;

/** One of {@link SHEET_SYNC_STATUSES}. */
export type SheetSyncStatus = (typeof SHEET_SYNC_STATUSES)[number];

const checks = defineChecks('GoogleSheetSync', 'catalog.google_sheet_sync', [
  {
    name: 'rows_synced_not_negative',
    property: 'rowsSynced',
    expression: 'rows_synced >= 0',
    test: (v: number) => Number.isInteger(v) && v >= 0,
    message: 'must be a whole number, 0 or more',
  },
]);

/**
 * The sync state of one sheet source: one row per source, updated by each
 * import. It is state, not catalog content, so it has no soft delete.
 */
export const GoogleSheetSync = defineEntity({
  name: 'GoogleSheetSync',
  tableName: 'google_sheet_sync',
  schema: 'catalog',
  properties: {
    id: idProperty(),
    sheetSource: p.string().length(200).unique(),
    status: p.enum(SHEET_SYNC_STATUSES).default('idle'),
    rowsSynced: p.integer().default(0),
    lastSyncedAt: p.datetime().columnType('timestamptz').nullable(),
    lastError: p.text().nullable(),
    ...timestampProperties(),
  },
  checks,
  triggers: [updatedAtTrigger('google_sheet_sync')],
});

/** A loaded sync state. */
export type IGoogleSheetSync = InferEntity<typeof GoogleSheetSync>;
