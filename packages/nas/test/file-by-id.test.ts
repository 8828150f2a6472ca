import { NotFoundError, ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { nas } from '../src/context.ts';
import { NasRepository } from '../src/index.ts';
import { nasFileFactory } from '../src/testing.ts';

const db = useTestDatabase(nas);

describe('NasRepository.fileById', () => {
  it('reads a file by id as a plain row: its folder as an id, sizes as numbers, timestamps as dates', async () => {
    const file = await nasFileFactory(db.em(), { sizeBytes: 5_000_000_000 });
    const found = await new NasRepository(db.em()).fileById(file.id);
    expect(found).toMatchObject({
      id: file.id,
      folderId: file.folder.id,
      filePath: file.filePath,
      rawPath: null,
      sizeBytes: 5_000_000_000,
      kind: 'video',
      missingSince: null,
    });
    expect(found.modifiedAt).toBeInstanceOf(Date);
    expect(found.modifiedAt.getTime()).toBe(file.modifiedAt.getTime());
  });

  it('hides a vanished file unless asked; an unknown id is NotFoundError, a malformed one a ValidationError', async () => {
    const file = await nasFileFactory(db.em());
    await db.query("update nas.nas_files set missing_since = now() - interval '1 day' where id = $1", [file.id]);
    const repo = new NasRepository(db.em());
    await expect(repo.fileById(file.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await repo.fileById(file.id, { includeMissing: true })).missingSince).toBeInstanceOf(Date);
    await expect(repo.fileById('0190d7a0-0000-7000-8000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      entity: 'NasFile',
    });
    await expect(repo.fileById('not-a-uuid')).rejects.toBeInstanceOf(ValidationError);
    await expect(repo.fileById('not-a-uuid')).rejects.toMatchObject({ entity: 'NasFile', field: 'id' });
  });
});
