import {
  declareConsistency,
  flushOrDetach,
  NotFoundError,
  pageLimit,
  pageOf,
  Repository,
  sql,
  ValidationError,
  validateId,
  valueProblem,
} from '@tessera/kernel';
import { type INasFile, NasFile } from '../entities/nas-file.entity.ts';
import { type INasFolder, NasFolder } from '../entities/nas-folder.entity.ts';
import type { NasFileKind } from '../scanner/kinds.ts';

/** One folder with a page of its direct files and its direct subfolders. */
export interface NasFolderListing {
  folder: INasFolder;
  subfolders: INasFolder[];
  files: INasFile[];
  /** Present files directly in the folder (all pages). */
  totalFiles: number;
}

/** A file as {@link NasRepository.fileById} returns it: a plain, typed row; its folder is the folder's id. */
export interface NasFileRecord {
  id: string;
  folderId: string;
  filePath: string;
  /** The path's exact bytes when it is not valid UTF-8; null otherwise. */
  rawPath: Buffer | null;
  extension: string;
  sizeBytes: number;
  modifiedAt: Date;
  checksum: string | null;
  kind: NasFileKind;
  missingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const FILE_BY_ID =
  'select id, folder_id as "folderId", file_path as "filePath", raw_path as "rawPath", extension, ' +
  'size_bytes as "sizeBytes", modified_at as "modifiedAt", checksum, kind, missing_since as "missingSince", ' +
  'created_at as "createdAt", updated_at as "updatedAt" from nas.nas_files where id = $1';

type FileRow = Omit<NasFileRecord, 'sizeBytes' | 'modifiedAt' | 'missingSince' | 'createdAt' | 'updatedAt'> & {
  sizeBytes: string;
  modifiedAt: string;
  missingSince: string | null;
  createdAt: string;
  updatedAt: string;
};

/** A path argument must be text PostgreSQL can hold (no NUL byte), else a ValidationError naming the field. */
function checkPath(entity: string, field: string, path: unknown): void {
  const problem = valueProblem('text', path);
  if (problem) throw new ValidationError(entity, field, problem);
}

/** Reads of the NAS inventory. Missing (vanished) files and folders are hidden unless asked for. */
export class NasRepository extends Repository {
  /** The folder at this absolute path; NotFoundError when the inventory has none (or it vanished). */
  async folderByPath(path: string, options: { includeMissing?: boolean } = {}): Promise<INasFolder> {
    checkPath('NasFolder', 'path', path);
    const folder = await this.em.findOne(NasFolder, { path }, { filters: { present: !options.includeMissing } });
    if (!folder) throw new NotFoundError('NasFolder', { path });
    return folder;
  }

  /**
   * The file with this id; NotFoundError when there is none, or when it vanished (unless `includeMissing`). One
   * named statement, a plain row.
   */
  async fileById(id: string, options: { includeMissing?: boolean } = {}): Promise<NasFileRecord> {
    validateId('NasFile', 'id', id);
    const [row] = await sql<FileRow>(this.em, { name: 'nas.files.by_id', text: FILE_BY_ID, values: [id] });
    if (!row || (row.missingSince !== null && !options.includeMissing)) throw new NotFoundError('NasFile', { id });
    // bigint and timestamps arrive as text (MikroORM's pool).
    const file = row as unknown as NasFileRecord;
    file.sizeBytes = Number(row.sizeBytes);
    file.modifiedAt = new Date(row.modifiedAt);
    file.missingSince = row.missingSince === null ? null : new Date(row.missingSince);
    file.createdAt = new Date(row.createdAt);
    file.updatedAt = new Date(row.updatedAt);
    return file;
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
    fileById: 'read-your-writes',
    fileByPath: 'read-your-writes',
    listFolder: 'read-your-writes',
    missingFiles: 'read-your-writes',
  },
  writes: ['recordChecksum'],
});
