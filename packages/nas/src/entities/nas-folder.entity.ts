import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';

const checks = defineChecks('NasFolder', 'nas.nas_folders', [
  {
    name: 'depth_not_negative',
    property: 'depth',
    expression: 'depth >= 0',
    test: (v: number) => Number.isInteger(v) && v >= 0,
    message: 'must be a whole number, 0 or more',
  },
  {
    name: 'counts_not_negative',
    property: 'fileCount',
    expression: 'file_count >= 0 and folder_count >= 0 and total_size_bytes >= 0',
    test: (v: number, e) => v >= 0 && Number(e.folderCount ?? 0) >= 0 && Number(e.totalSizeBytes ?? 0) >= 0,
    message: 'file count, folder count and total size must not be negative',
  },
]);

/**
 * A folder of the NAS inventory: a tree through `parent`, one row per absolute path.
 * The counts and the size are rolled up over the whole subtree by each scan, over present files only.
 */
export const NasFolder = defineEntity({
  name: 'NasFolder',
  tableName: 'nas_folders',
  schema: 'nas',
  properties: {
    id: idProperty(),
    // Deleting a folder row removes its subtree's rows: the inventory mirrors the disk.
    parent: () => p.manyToOne(NasFolder).nullable().deleteRule('cascade').index(),
    /** The absolute path, escaped like a file's path when it is not valid UTF-8 (then `rawPath` is exact). */
    path: p.text().unique(),
    /** The path's exact bytes when it is not valid UTF-8; null otherwise. */
    rawPath: p.blob().nullable(),
    name: p.text(),
    depth: p.integer().default(0),
    /** Present files in the subtree. */
    fileCount: p.integer().default(0),
    /** Folders in the subtree (not counting this one). */
    folderCount: p.integer().default(0),
    /** Bytes of the present files in the subtree. */
    totalSizeBytes: p.bigint('number').default(0),
    lastScannedAt: p.datetime().columnType('timestamptz').nullable(),
    /**
     * A fingerprint of the folder's own listing (names, sizes, modification times) as of the last scan that
     * merged it; a re-scan skips sending the files of a folder whose fingerprint is unchanged.
     */
    listingHash: p.string().length(40).nullable(),
    /** When a scan of an ancestor last found this folder gone; null while it exists. */
    missingSince: p.datetime().columnType('timestamptz').nullable(),
    ...timestampProperties(),
  },
  checks,
  triggers: [updatedAtTrigger('nas_folders')],
  filters: { present: { name: 'present', cond: { missingSince: null }, default: true } },
});

/** A loaded NAS folder. */
export type INasFolder = InferEntity<typeof NasFolder>;
