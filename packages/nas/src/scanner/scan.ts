import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { newId, ValidationError } from '@tessera/kernel';
import type pg from 'pg';
import { copyInto, copyLine } from './copy.ts';
import { extensionOf, kindOfExtension } from './kinds.ts';
import { CREATE_STAGING, MARK_VANISHED_FILES, MARK_VANISHED_FOLDERS, mergeBatch, ROLL_UP } from './sql.ts';
import { walk } from './walk.ts';

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
  let folderLines: string[] = [];
  let fileLines: string[] = [];
  const mergeOne = async (folders: string[], files: string[]) => {
    await copyInto(client, 'nas_scan_stage_folders', folders);
    await copyInto(client, 'nas_scan_stage_files', files);
    const results = (await client.query(merge)) as unknown as pg.QueryResult[];
    const counts = results.at(-2)?.rows[0] as { inserted: number; updated: number };
    inserted += counts.inserted;
    updated += counts.updated;
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

  for await (const chunk of walk(root)) {
    for (const entry of chunk) {
      if (entry.type === 'folder') {
        progress.folders += 1;
        folderLines.push(copyLine([newId(), entry.path, entry.parentPath, entry.name, entry.depth]));
      } else if (entry.type === 'file') {
        const extension = extensionOf(entry.name);
        const modified = new Date(Math.floor(entry.mtimeMs)).toISOString();
        fileLines.push(
          copyLine([
            newId(),
            entry.path,
            entry.folderPath,
            extension,
            entry.size,
            modified,
            kindOfExtension(extension),
          ]),
        );
        progress.files += 1;
        progress.bytes += entry.size;
        if (fileLines.length >= batchSize) await flush();
      } else {
        progress.problems += 1;
        options.onProblem?.(entry.path, entry.message);
      }
    }
  }
  await flush();
  await pending;

  progress.phase = 'sweeping';
  report();
  await client.query('analyze nas_scan_seen_files; analyze nas_scan_seen_folders');
  const params = [root, belowPattern(root), now];
  const files = await client.query<{ n: number }>(MARK_VANISHED_FILES, params);
  const folders = await client.query<{ n: number }>(MARK_VANISHED_FOLDERS, params);
  progress.phase = 'rolling-up';
  report();
  await client.query(ROLL_UP, params);
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
    vanishedFiles: files.rows[0]?.n ?? 0,
    vanishedFolders: folders.rows[0]?.n ?? 0,
    problems: progress.problems,
  } satisfies ScanResult;
}
