import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';
import { NAS_FILE_KINDS } from '../scanner/kinds.ts';
import { NasFolder } from './nas-folder.entity.ts';

/** A SHA-256 digest in lower-case hex. */
export const CHECKSUM_PATTERN = /^[0-9a-f]{64}$/;

const checks = defineChecks('NasFile', 'nas.nas_files', [
  {
    name: 'size_not_negative',
    property: 'sizeBytes',
    expression: 'size_bytes >= 0',
    test: (v: number) => v >= 0,
    message: 'must not be negative',
  },
  {
    name: 'checksum_format',
    property: 'checksum',
    expression: "checksum ~ '^[0-9a-f]{64}$'",
    test: (v: string) => CHECKSUM_PATTERN.test(v),
    message: 'must be a SHA-256 digest in lower-case hex',
  },
  {
    // MikroORM emits this CHECK for the enum itself; it is registered here only so that a violation
    // (from a write outside the ORM) is translated into an error naming `kind`.
    name: 'kind',
    property: 'kind',
    expression: '',
    test: (v: string) => (NAS_FILE_KINDS as readonly string[]).includes(v),
    message: `must be one of ${NAS_FILE_KINDS.join(', ')}`,
  },
]);

/**
 * A file of the NAS inventory, one row per absolute path. A file that a scan no longer
 * finds is marked (`missingSince`), never deleted: catalog video files may still point at it.
 */
export const NasFile = defineEntity({
  name: 'NasFile',
  tableName: 'nas_files',
  schema: 'nas',
  properties: {
    id: idProperty(),
    folder: () => p.manyToOne(NasFolder).deleteRule('cascade'),
    /**
     * The absolute path. A byte that is not valid UTF-8 is written `\\xHH` (and a backslash of such a path
     * `\\x5c`); the exact bytes are then in `rawPath`.
     */
    filePath: p.text(),
    /** The path's exact bytes when it is not valid UTF-8; null otherwise (then `filePath` is exact). */
    rawPath: p.blob().nullable(),
    /** Lower-case, without the dot; empty when the name has none. */
    extension: p.string().length(32).default(''),
    sizeBytes: p.bigint('number').default(0),
    modifiedAt: p.datetime().columnType('timestamptz'),
    /** Filled by a checksum job, not by the scan (hashing a NAS would take days); null until then. */
    checksum: p.string().length(64).nullable(),
    kind: p.enum(NAS_FILE_KINDS).default('other'),
    /** When a scan first found the file gone; null while it exists. Cleared when it comes back. */
    missingSince: p.datetime().columnType('timestamptz').nullable(),
    ...timestampProperties(),
  },
  indexes: [{ name: 'ix_nas_files_folder_id', properties: ['folder'] }],
  uniques: [{ name: 'ix_nas_files_file_path', properties: ['filePath'] }],
  checks: checks.filter((c) => c.name !== 'ck_nas_files_kind'),
  triggers: [updatedAtTrigger('nas_files')],
  filters: { present: { name: 'present', cond: { missingSince: null }, default: true } },
});

/** A loaded NAS file. */
export type INasFile = InferEntity<typeof NasFile>;
