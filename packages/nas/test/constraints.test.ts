import {
  CheckViolationError,
  ForeignKeyViolationError,
  flushOrDetach,
  NotNullViolationError,
  translateDbError,
  UniqueViolationError,
} from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { nas } from '../src/context.ts';
import { NasFile, NasFolder, NasRepository } from '../src/index.ts';
import { nasFileFactory, nasFolderFactory } from '../src/testing.ts';

const db = useTestDatabase(nas);

/** Runs a write through the repository layer's flush, returning the typed error and whether anything was written. */
async function rejected(write: (em: ReturnType<typeof db.em>) => Promise<unknown>, table: string, where: string) {
  const em = db.em();
  const error = await write(em).then(
    () => undefined,
    (e: unknown) => e,
  );
  const rows = await db.query(`select 1 from nas.${table} where ${where}`);
  return { error, written: rows.length };
}

describe('nas constraints: typed, field-level errors', () => {
  it('factories build valid folders and video files', async () => {
    const em = db.em();
    const file = await nasFileFactory(em);
    expect(file).toMatchObject({ kind: 'video', extension: 'mp4', missingSince: null });
    expect(file.folder.path).toMatch(/^\/nas\//);
    const listing = await new NasRepository(db.em()).listFolder(file.folder.path);
    expect(listing.files.map((f) => f.filePath)).toEqual([file.filePath]);
  });

  it('a second file with the same path is a UniqueViolationError on filePath', async () => {
    const existing = await nasFileFactory(db.em());
    const { error } = await rejected(
      async (em) => {
        const folder = await em.findOneOrFail(NasFolder, { id: existing.folder.id });
        em.create(NasFile, {
          folder,
          filePath: existing.filePath,
          modifiedAt: new Date(),
          checksum: null,
          missingSince: null,
        });
        await flushOrDetach(em, []);
      },
      'nas_files',
      'false',
    );
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'NasFile', field: 'filePath', constraint: 'ix_nas_files_file_path' });
  });

  it('a second folder with the same path is a UniqueViolationError on path', async () => {
    const existing = await nasFolderFactory(db.em());
    const error = await nasFolderFactory(db.em(), { path: existing.path }).catch((e: unknown) =>
      translateDbError(e, db.orm.getMetadata()),
    );
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'NasFolder', field: 'path', constraint: 'uq_nas_folders_path' });
  });

  it('a malformed checksum is a CheckViolationError on checksum, before any write', async () => {
    const file = await nasFileFactory(db.em());
    const { error, written } = await rejected(
      (em) => new NasRepository(em).recordChecksum(file.id, 'NOT-A-DIGEST'),
      'nas_files',
      `id = '${file.id}' and checksum is not null`,
    );
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'NasFile', field: 'checksum', constraint: 'ck_nas_files_checksum_format' });
    expect((error as Error).cause).toBeUndefined(); // caught by the application check
    expect(written).toBe(0);
  });

  it('a negative size is a CheckViolationError on sizeBytes, from the application and from the database', async () => {
    const { error } = await rejected((em) => nasFileFactory(em, { sizeBytes: -1 }), 'nas_files', 'size_bytes < 0');
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'NasFile', field: 'sizeBytes' });
    const file = await nasFileFactory(db.em());
    const fromDb = await db
      .query('update nas.nas_files set size_bytes = -5 where id = $1', [file.id])
      .catch((e: unknown) => translateDbError(e, db.orm.getMetadata()));
    expect(fromDb).toBeInstanceOf(CheckViolationError);
    expect(fromDb).toMatchObject({
      entity: 'NasFile',
      field: 'sizeBytes',
      constraint: 'ck_nas_files_size_not_negative',
    });
  });

  it('an unknown kind written outside the ORM is a CheckViolationError on kind', async () => {
    const file = await nasFileFactory(db.em());
    const error = await db
      .query(`update nas.nas_files set kind = 'hologram' where id = $1`, [file.id])
      .catch((e: unknown) => translateDbError(e, db.orm.getMetadata()));
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'NasFile', field: 'kind', constraint: 'ck_nas_files_kind' });
  });

  it('a negative depth is a CheckViolationError on depth', async () => {
    const { error } = await rejected((em) => nasFolderFactory(em, { depth: -1 }), 'nas_folders', 'depth < 0');
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({
      entity: 'NasFolder',
      field: 'depth',
      constraint: 'ck_nas_folders_depth_not_negative',
    });
  });

  it('a file without modification time is a NotNullViolationError on modifiedAt', async () => {
    const { error } = await rejected(
      // biome-ignore lint/suspicious/noExplicitAny: deliberately missing
      (em) => nasFileFactory(em, { modifiedAt: undefined as any, filePath: '/nas/no-time.mp4' }),
      'nas_files',
      `file_path = '/nas/no-time.mp4'`,
    );
    expect(error).toBeInstanceOf(NotNullViolationError);
    expect(error).toMatchObject({ entity: 'NasFile', field: 'modifiedAt' });
  });

  it('a file in a folder that does not exist is a ForeignKeyViolationError on folder', async () => {
    const error = await db
      .query(
        `insert into nas.nas_files (id, folder_id, file_path, modified_at) values (gen_random_uuid(), gen_random_uuid(), '/x', now())`,
      )
      .catch((e: unknown) => translateDbError(e, db.orm.getMetadata()));
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ entity: 'NasFile', field: 'folder', constraint: 'fk_nas_files_folder_id' });
  });
});
