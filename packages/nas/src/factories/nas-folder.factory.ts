import { faker } from '@faker-js/faker';
import type { EntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Factory } from '@mikro-orm/seeder';
import { uniqueSuffix } from '@tessera/kernel';
import { type INasFolder, NasFolder } from '../entities/nas-folder.entity.ts';

/** NAS folders under a unique `/nas/<word>-<n>` path, as a top-level folder unless `parent` is given. */
export class NasFolderFactory extends Factory<INasFolder> {
  readonly model = NasFolder;

  protected definition(input?: EntityData<INasFolder>): EntityData<INasFolder> {
    // Declared with a parameter, so the seeder passes overrides here and does not merge them itself.
    const given = input ?? {};
    const name = `${faker.word.noun()}-${uniqueSuffix()}`;
    const parent = given.parent as INasFolder | undefined;
    const path = parent?.path ? `${parent.path}/${name}` : `/nas/${name}`;
    return { path, name, depth: path.split('/').length - 1, fileCount: 0, folderCount: 0, totalSizeBytes: 0, ...given };
  }
}

/** Persists a NAS folder ({@link NasFolderFactory}); override any field. */
export function nasFolderFactory(em: EntityManager, overrides: EntityData<INasFolder> = {}): Promise<INasFolder> {
  return new NasFolderFactory(em).createOne(overrides);
}
