import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { newId, ValidationError } from '@tessera/kernel';
import type pg from 'pg';
import { copyInto, copyLine } from './copy.ts';
import { extensionOf, kindOfExtension } from './kinds.ts';
import {
  CREATE_STAGING,
  KNOWN_LISTINGS,
  MARK_VANISHED_FILES,
  MARK_VANISHED_FOLDERS,
  mergeBatch,
  ROLL_UP,
  TOUCH_ROOT,
} from './sql.ts';
import { type WalkedFile, type WalkedFolder, walk } from './walk.ts';

/** Where a scan is; passed to `onProgress` after every batch and once per phase. */
export interface ScanProgress {
  readonly phase: 'walking' | 'sweeping' | 'rolling-up' | 'done';
  readonly folders: number;
  readonly files: number;
  readonly bytes: number;
  readonly batches: number;
  readonly problems: number;
}

/** Options of {@link scanDirectory}. */
export interface ScanOptions {
  /** Files per COPY batch (default 5,000): memory stays at about one batch whatever the tree's size. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Compare every file with the inventory, even in folders whose listing fingerprint is unchanged. */
  readonly full?: boolean;
  /** Called for each directory or file that could not be read; the scan goes on without it. */
  readonly onProblem?: (path: string, message: string) => void;
}

/** What a scan found and changed. */
export interface ScanResult {
  readonly root: string;
  readonly folders: number;
  readonly files: number;
  readonly bytes: number;
  /** Files new to the inventory. */
  readonly inserted: number;
  /** Known files whose size, time or kind changed, or that came back after vanishing. */
  readonly updated: number;
  /** Known files of the subtree the scan no longer found, now marked `missing_since`. */
  readonly vanishedFiles: number;
  readonly vanishedFolders: number;
  readonly problems: number;
}

/** The fingerprint of a folder's listing: its files' names, sizes and modification times (ms), in name order. */
function listingHash(files: readonly WalkedFile[]): string {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return createHash('sha1')
    .update(sorted.map((f) => `${f.name}\0${f.size}\0${Math.floor(f.mtimeMs)}`).join('\n'))
    .digest('hex');
}

/** A LIKE pattern matching every path strictly below `root`. */
function belowPattern(root: string): string {
  const escaped = root.replace(/[\\%_]/g, (c) => `\\${c}`);
  return root === '/' ? '/%' : `${escaped}/%`;
}

/**
 * Scans the directory tree at `root` into the NAS inventory, in bulk: the walk streams, every
 * `batchSize` files go to PostgreSQL by COPY and are merged by set-based upserts that write only what
 * changed, and once the walk is complete, files and folders of the subtree that were not seen are
 * marked missing (never deleted), and folder counts and sizes are rolled up. Re-scanning an unchanged
 * tree changes no file row. Runs on the given client (it creates session-local staging tables).
 */
export async function scanDirectory(client: pg.ClientBase, rootDir: string, options: ScanOptions = {}) {
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValidationError('NasScan', 'batchSize', 'must be a positive whole number');
  }
  const root = resolve(rootDir);
  const info = await stat(root).catch(() => undefined);
  if (!isAbsolute(root) || !info?.isDirectory()) {
    throw new ValidationError('NasScan', 'root', `${rootDir} is not a directory that can be read`);
  }
  const now = new Date();
  const nowLiteral = `'${now.toISOString()}'::timestamptz`;
  const merge = mergeBatch(nowLiteral);
  const progress = {
    phase: 'walking' as ScanProgress['phase'],
    folders: 0,
    files: 0,
    bytes: 0,
    batches: 0,
    problems: 0,
  };
  const report = () => options.onProgress?.({ ...progress });
  let inserted = 0;
  let updated = 0;

  await client.query(CREATE_STAGING);
  const known = new Map<string, string>();
  if (!options.full) {
    const rows = await client.query<{ path: string; listing_hash: string }>(KNOWN_LISTINGS, [root, belowPattern(root)]);
    for (const row of rows.rows) known.set(row.path, row.listing_hash);
  }
  let folderLines: string[] = [];
  let fileLines: string[] = [];
  let vanishedInBatches = 0;
  let changedFolders = 0;
  const mergeOne = async (folders: string[], files: string[]) => {
    await copyInto(client, 'nas_scan_stage_folders', folders);
    await copyInto(client, 'nas_scan_stage_files', files);
    const results = (await client.query(merge)) as unknown as pg.QueryResult[];
    for (const result of results) {
      const row = result.rows?.[0] as { inserted?: number; updated?: number; vanished?: number } | undefined;
      inserted += row?.inserted ?? 0;
      updated += row?.updated ?? 0;
      vanishedInBatches += row?.vanished ?? 0;
    }
    progress.batches += 1;
    report();
  };
  // One batch is merged while the walk collects the next, so the disk and the database work at the same
  // time; never more than one, so memory stays at two batches.
  let pending: Promise<void> | undefined;
  const flush = async () => {
    const folders = folderLines;
    const files = fileLines;
    folderLines = [];
    fileLines = [];
    if (pending) await pending;
    pending = mergeOne(folders, files);
    pending.catch(() => undefined); // awaited by the next flush or at the end
  };

  // The folder being walked: its files are held back (up to a batch) until the folder is complete, so its
  // fingerprint can be compared with the stored one and an unchanged folder's files need not be sent at all.
  let current: { folder: WalkedFolder; files: WalkedFile[]; streamed: boolean } | undefined;
  const folderLine = (folder: WalkedFolder, hash: string | null, changed: boolean, complete: boolean) =>
    copyLine([
      newId(),
      folder.path,
      folder.parentPath,
      folder.name,
      folder.depth,
      hash,
      changed ? 't' : 'f',
      complete ? 't' : 'f',
    ]);
  const fileLine = (file: WalkedFile, partial: boolean) => {
    const extension = extensionOf(file.name);
    const modified = new Date(Math.floor(file.mtimeMs)).toISOString();
    return copyLine([
      newId(),
      file.path,
      file.folderPath,
      extension,
      file.size,
      modified,
      kindOfExtension(extension),
      partial ? 't' : 'f',
    ]);
  };
  const finishFolder = async () => {
    if (!current) return;
    const { folder, files, streamed } = current;
    current = undefined;
    if (streamed) {
      for (const file of files) fileLines.push(fileLine(file, true));
    } else {
      const hash = listingHash(files);
      const changed = known.get(folder.path) !== hash;
      folderLines.push(folderLine(folder, hash, changed, true));
      if (changed) {
        changedFolders += 1;
        for (const file of files) fileLines.push(fileLine(file, false));
      }
    }
    if (fileLines.length >= batchSize) await flush();
  };

  for await (const chunk of walk(root)) {
    for (const entry of chunk) {
      if (entry.type === 'folder') {
        await finishFolder();
        progress.folders += 1;
        current = { folder: entry, files: [], streamed: false };
      } else if (entry.type === 'file') {
        progress.files += 1;
        progress.bytes += entry.size;
        const folder = current as NonNullable<typeof current>;
        if (folder.streamed) {
          fileLines.push(fileLine(entry, true));
          if (fileLines.length >= batchSize) await flush();
        } else {
          folder.files.push(entry);
          if (folder.files.length > batchSize) {
            // Too big to hold back: stream it, without a fingerprint (it is compared file by file every scan).
            changedFolders += 1;
            folder.streamed = true;
            folderLines.push(folderLine(folder.folder, null, true, false));
            for (const file of folder.files) fileLines.push(fileLine(file, true));
            folder.files = [];
            await flush();
          }
        }
      } else {
        progress.problems += 1;
        options.onProblem?.(entry.path, entry.message);
      }
    }
  }
  await finishFolder();
  await flush();
  await pending;

  progress.phase = 'sweeping';
  report();
  await client.query('analyze nas_scan_seen_files; analyze nas_scan_seen_folders');
  const params = [root, belowPattern(root), now];
  const files = await client.query<{ n: number }>(MARK_VANISHED_FILES, params);
  const folders = await client.query<{ n: number }>(MARK_VANISHED_FOLDERS, params);
  const vanishedFiles = vanishedInBatches + (files.rows[0]?.n ?? 0);
  const vanishedFolders = folders.rows[0]?.n ?? 0;
  progress.phase = 'rolling-up';
  report();
  // Counts and sizes can only have moved if some folder's listing changed or something vanished.
  if (changedFolders > 0 || vanishedFiles > 0 || vanishedFolders > 0) await client.query(ROLL_UP, params);
  else await client.query(TOUCH_ROOT, [root, now]);
  await client.query('truncate nas_scan_seen_folders, nas_scan_seen_files');
  progress.phase = 'done';
  report();
  return {
    root,
    folders: progress.folders,
    files: progress.files,
    bytes: progress.bytes,
    inserted,
    updated,
    vanishedFiles,
    vanishedFolders,
    problems: progress.problems,
  } satisfies ScanResult;
}
