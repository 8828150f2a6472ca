import { createHash } from 'node:crypto';
import { copyLine } from './copy.ts';
import { extensionOf, kindOfExtension } from './kinds.ts';
import type { WalkedFile, WalkedFolder } from './walk.ts';

/**
 * The rows of one batch, as COPY text lines. Folders new to the inventory (and their files) cannot conflict
 * with anything: they go in by plain COPY, the fastest load PostgreSQL has (`freshFolders`, `freshFiles`, and
 * `seenFresh` for the sweep). Known folders go through the staging tables and the set-based merge (`folders`,
 * `files`).
 */
export class ScanBatch {
  /** Rows of `nas.nas_folders`: id, parent_id, path, name, depth, listing_hash, last_scanned_at, raw_path. */
  readonly freshFolders: string[] = [];
  /** Rows of `nas.nas_files`: id, folder_id, file_path, extension, size_bytes, modified_at, kind, raw_path. */
  readonly freshFiles: string[] = [];
  /** Rows of `nas_scan_seen_folders` for the fresh folders: path, changed, complete. */
  readonly seenFresh: string[] = [];
  /** Rows of `nas_scan_stage_folders`: id, path, parent_path, name, depth, listing_hash, changed, complete, raw_path. */
  readonly folders: string[] = [];
  /** Rows of `nas_scan_stage_files`: id, file_path, folder_path, extension, size_bytes, modified_at, kind, partial, raw_path. */
  readonly files: string[] = [];

  /** Files in the batch, the measure of its size. */
  get fileCount(): number {
    return this.freshFiles.length + this.files.length;
  }

  /** Whether the batch holds known folders or files, which need the merge. */
  get needsMerge(): boolean {
    return this.folders.length > 0 || this.files.length > 0;
  }
}

/**
 * The fingerprint of a folder's listing: its files' names, sizes and modification times (ms), in listing order.
 * The order of an unchanged directory is stable; if the file system ever reorders one, the folder is simply
 * compared file by file once more (correct, only slower), so sorting every listing is not worth its cost.
 */
export function listingHash(files: readonly WalkedFile[]): string {
  let text = '';
  for (const f of files) text += `${f.name}\0${f.size}\0${Math.floor(f.mtimeMs)}\n`;
  return createHash('sha1').update(text).digest('hex');
}

/** A path's exact bytes as a COPY text value of a bytea column (null when the text path is exact). */
function rawValue(raw: Buffer | undefined): string | null {
  return raw ? `\\x${raw.toString('hex')}` : null;
}

function fileValues(file: WalkedFile) {
  const extension = extensionOf(file.name);
  const modified = new Date(Math.floor(file.mtimeMs)).toISOString();
  return [file.path, extension, file.size, modified, kindOfExtension(extension)] as const;
}

/** A file of a folder new to the inventory, as a row of `nas.nas_files`. */
export function freshFileLine(id: string, file: WalkedFile, folderId: string): string {
  return copyLine([id, folderId, ...fileValues(file), rawValue(file.rawPath)]);
}

/** A file of a known folder, as a staging row; `partial` when its folder is streamed over several batches. */
export function stagedFileLine(id: string, file: WalkedFile, partial: boolean): string {
  const [path, extension, size, modified, kind] = fileValues(file);
  return copyLine([
    id,
    path,
    file.folderPath,
    extension,
    size,
    modified,
    kind,
    partial ? 't' : 'f',
    rawValue(file.rawPath),
  ]);
}

/** A folder new to the inventory, as a row of `nas.nas_folders` (`hash` null when it is streamed). */
export function freshFolderLine(
  id: string,
  folder: WalkedFolder,
  parentId: string | null,
  hash: string | null,
  scannedAt: string,
): string {
  return copyLine([id, parentId, folder.path, folder.name, folder.depth, hash, scannedAt, rawValue(folder.rawPath)]);
}

/** A known folder, as a staging row: `changed` when its listing differs, `complete` when all its files are in. */
export function stagedFolderLine(
  id: string,
  folder: WalkedFolder,
  hash: string | null,
  changed: boolean,
  complete: boolean,
): string {
  return copyLine([
    id,
    folder.path,
    folder.parentPath,
    folder.name,
    folder.depth,
    hash,
    changed ? 't' : 'f',
    complete ? 't' : 'f',
    rawValue(folder.rawPath),
  ]);
}
