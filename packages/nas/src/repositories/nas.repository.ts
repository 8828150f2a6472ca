import type { EntityManager } from '@mikro-orm/postgresql';
import {
  declareConsistency,
  flushOrDetach,
  NotFoundError,
  pageLimit,
  pageOf,
  ValidationError,
  validateId,
  valueProblem,
} from '@tessera/kernel';
import { type INasFile, NasFile } from '../entities/nas-file.entity.ts';
import { type INasFolder, NasFolder } from '../entities/nas-folder.entity.ts';

/** One folder with a page of its direct files and its direct subfolders. */
export interface NasFolderListing {
  folder: INasFolder;
  subfolders: INasFolder[];
  files: INasFile[];
  /** Present files directly in the folder (all pages). */
  totalFiles: number;
}

/** A path argument must be text PostgreSQL can hold (no NUL byte), else a ValidationError naming the field. */
function checkPath(entity: string, field: string, path: unknown): void {
  const problem = valueProblem('text', path);
  if (problem) throw new ValidationError(entity, field, problem);
}

/** Reads of the NAS inventory. Missing (vanished) files and folders are hidden unless asked for. */
export class NasRepository {
  readonly em: EntityManager;

  constructor(em: EntityManager) {
    this.em = em;
  }

  /** The folder at this absolute path; NotFoundError when the inventory has none (or it vanished). */
  async folderByPath(path: string, options: { includeMissing?: boolean } = {}): Promise<INasFolder> {
    checkPath('NasFolder', 'path', path);
    const folder = await this.em.findOne(NasFolder, { path }, { filters: { present: !options.includeMissing } });
    if (!folder) throw new NotFoundError('NasFolder', { path });
    return folder;
  }

  /** The file at this absolute path, or null; vanished files only with `includeMissing`. */
  async fileByPath(filePath: string, options: { includeMissing?: boolean } = {}): Promise<INasFile | null> {
    checkPath('NasFile', 'filePath', filePath);
    return this.em.findOne(NasFile, { filePath }, { filters: { present: !options.includeMissing } });
  }

  /** A folder, its subfolders by name, and one page of its files by path (`page` from 1). */
  async listFolder(path: string, options: { page?: number; limit?: number } = {}): Promise<NasFolderListing> {
    const { limit, offset } = pageOf('NasFolder', options, { max: 1000, default: 100 });
    const folder = await this.folderByPath(path);
    const subfolders = await this.em.find(NasFolder, { parent: folder.id }, { orderBy: { name: 'asc' } });
    const [files, totalFiles] = await this.em.findAndCount(
      NasFile,
      { folder: folder.id },
      { orderBy: { filePath: 'asc' }, limit, offset },
    );
    return { folder, subfolders, files, totalFiles };
  }

  /** Files of the subtree at `rootPath` that a scan found gone, oldest first. */
  async missingFiles(rootPath: string, limit = 100): Promise<INasFile[]> {
    checkPath('NasFile', 'filePath', rootPath);
    const size = pageLimit('NasFile', limit, { max: 1000, default: 100 });
    const prefix = `${rootPath.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
    return this.em.find(
      NasFile,
      { filePath: { $like: prefix }, missingSince: { $ne: null } },
      { filters: { present: false }, orderBy: { missingSince: 'asc', filePath: 'asc' }, limit: size },
    );
  }

  /** Records a file's SHA-256 (lower-case hex, else CheckViolationError on checksum). */
  async recordChecksum(fileId: string, checksum: string): Promise<INasFile> {
    validateId('NasFile', 'id', fileId);
    const file = await this.em.findOne(NasFile, { id: fileId }, { filters: { present: false } });
    if (!file) throw new NotFoundError('NasFile', { id: fileId });
    file.checksum = checksum;
    await flushOrDetach(this.em, [file]);
    return file;
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(NasRepository, {
  reads: {
    folderByPath: 'read-your-writes',
    fileByPath: 'read-your-writes',
    listFolder: 'read-your-writes',
    missingFiles: 'read-your-writes',
  },
  writes: ['recordChecksum'],
});
