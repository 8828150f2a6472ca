import { faker } from '@faker-js/faker';
import type { EntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Factory } from '@mikro-orm/seeder';
import { uniqueSuffix } from '@tessera/kernel';
import { type INasFile, NasFile } from '../entities/nas-file.entity.ts';
import type { INasFolder } from '../entities/nas-folder.entity.ts';
import { extensionOf, kindOfExtension } from '../scanner/kinds.ts';
import { NasFolderFactory } from './nas-folder.factory.ts';

/**
 * NAS files: a video by default (`.mp4`), in a new folder unless `folder` is given; pass `filePath` to pick
 * the name (its extension sets `extension` and `kind`, as a scan would).
 */
export class NasFileFactory extends Factory<INasFile> {
  readonly model = NasFile;

  protected definition(input?: EntityData<INasFile>): EntityData<INasFile> {
    // Declared with a parameter, so the seeder passes overrides here and does not merge them itself.
    const given = input ?? {};
    const folder = (given.folder as INasFolder | undefined) ?? new NasFolderFactory(this.em).makeOne();
    const filePath =
      (given.filePath as string | undefined) ??
      `${folder.path}/${faker.system.fileName({ extensionCount: 0 })}-${uniqueSuffix()}.mp4`;
    const extension = extensionOf(filePath.slice(filePath.lastIndexOf('/') + 1));
    return {
      folder,
      filePath,
      extension,
      kind: kindOfExtension(extension),
      sizeBytes: faker.number.int({ min: 1_000_000, max: 8_000_000_000 }),
      modifiedAt: faker.date.past(),
      checksum: null,
      missingSince: null,
      ...given,
    };
  }
}

/** Persists a NAS file ({@link NasFileFactory}); override any field. */
export function nasFileFactory(em: EntityManager, overrides: EntityData<INasFile> = {}): Promise<INasFile> {
  return new NasFileFactory(em).createOne(overrides);
}
