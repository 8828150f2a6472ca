import { ValidationError } from '@tessera/kernel';
import { itRefusesBadInput, useTestDatabase } from '@tessera/testing';
import { beforeAll, describe } from 'vitest';
import { nas } from '../src/context.ts';
import { type INasFile, NasRepository } from '../src/index.ts';
import { nasFileFactory, nasFolderFactory } from '../src/testing.ts';

const db = useTestDatabase(nas);
const schemas = ['nas'];

let file: INasFile;
beforeAll(async () => {
  file = await nasFileFactory(db.em());
});

describe('nas refuses bad input with a typed error naming the field, and writes nothing', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'recordChecksum for an id that is not a UUID',
      run: (em) => new NasRepository(em).recordChecksum('file-1', 'a'.repeat(64)),
      error: ValidationError,
      entity: 'NasFile',
      field: 'id',
    },
    {
      name: 'a NUL byte in a checksum',
      run: (em) => new NasRepository(em).recordChecksum(file.id, `${'a'.repeat(63)}\0`),
      error: ValidationError,
      entity: 'NasFile',
      field: 'checksum',
    },
    {
      name: 'a NUL byte in a folder path lookup',
      run: (em) => new NasRepository(em).folderByPath('/nas/a\0b'),
      error: ValidationError,
      entity: 'NasFolder',
      field: 'path',
    },
    {
      name: 'a NUL byte in a file path lookup',
      run: (em) => new NasRepository(em).fileByPath('/nas/a\0b.mp4'),
      error: ValidationError,
      entity: 'NasFile',
      field: 'filePath',
    },
    {
      name: 'nasFileFactory with kind movie',
      run: (em) => nasFileFactory(em, { kind: 'movie' as never }),
      error: ValidationError,
      entity: 'NasFile',
      field: 'kind',
    },
    {
      name: 'nasFileFactory with an invalid Date',
      run: (em) => nasFileFactory(em, { modifiedAt: new Date(Number.NaN) }),
      error: ValidationError,
      entity: 'NasFile',
      field: 'modifiedAt',
    },
    {
      name: 'nasFileFactory with Infinity bytes',
      run: (em) => nasFileFactory(em, { sizeBytes: Number.POSITIVE_INFINITY }),
      error: ValidationError,
      entity: 'NasFile',
      field: 'sizeBytes',
    },
    {
      name: 'a NUL byte in a folder name',
      run: (em) => nasFolderFactory(em, { name: 'a\0' }),
      error: ValidationError,
      entity: 'NasFolder',
      field: 'name',
    },
  ]);
});
