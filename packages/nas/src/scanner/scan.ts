import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { currentScope, newId, ValidationError } from '@tessera/kernel';
import type pg from 'pg';
import { copyInto, copyLine } from './copy.ts';
import { extensionOf, kindOfExtension } from './kinds.ts';
import {
  CREATE_STAGING,
  KNOWN_FOLDERS,
  MARK_VANISHED_FILES,
  MARK_VANISHED_FOLDERS,
  mergeBatch,
  ROLL_UP,
  RUN_FINISHED,
  RUN_STARTED,
  SCAN_LOCK,
  SCAN_UNLOCK,
  TOUCH_ROOT,
} from './sql.ts';
import type { ScanOptions, ScanProgress, ScanResult, ScanStage } from './types.ts';
import { type WalkedFile, type WalkedFolder, walk } from './walk.ts';

/**
 * The fingerprint of a folder's listing: its files' names, sizes and modification times (ms), in listing order.
 * The order of an unchanged directory is stable; if the file system ever reorders one, the folder is simply
 * compared file by file once more (correct, only slower), so sorting every listing is not worth its cost.
 */
function listingHash(files: readonly WalkedFile[]): string {
  let text = '';
  for (const f of files) text += `${f.name}\0${f.size}\0${Math.floor(f.mtimeMs)}\n`;
  return createHash('sha1').update(text).digest('hex');
}

/** A path's exact bytes as a COPY text value of a bytea column (null when the text path is exact). */
function rawValue(raw: Buffer | undefined): string | null {
  return raw ? `\\x${raw.toString('hex')}` : null;
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
 * tree changes no file row. Runs on the given client, which must be a session of its own (a direct or
 * session-pooled connection): it holds a session lock and session-local staging tables.
 *
 * Crash safety: each batch is one transaction, holding a folder's fingerprint together with its files, so a
 * scan killed at any point leaves only whole batches behind; a scan run is recorded as finished only with its
 * roll-up, so a plain rerun after a crash sweeps and rolls up again and the inventory equals the tree.
 */
export async function scanDirectory(client: pg.ClientBase, rootDir: string, options: ScanOptions = {}) {
  try {
    return await scan(client, rootDir, options);
  } finally {
    // The scan writes on its own client, past the ORM: later read-your-writes reads of this scope wait for it.
    currentScope().noteWrite();
  }
}

async function scan(client: pg.ClientBase, rootDir: string, options: ScanOptions) {
  const batchSize = options.batchSize ?? 10_000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValidationError('NasScan', 'batchSize', 'must be a positive whole number');
  }
  const root = resolve(rootDir);
  const info = await stat(root).catch(() => undefined);
  if (!isAbsolute(root) || !info?.isDirectory()) {
    throw new ValidationError('NasScan', 'root', `${rootDir} is not a directory that can be read`);
  }
  const now = new Date();
  await client.query(SCAN_LOCK);
  try {
    return await scanLocked(client, root, batchSize, options, now);
  } finally {
    await client.query(SCAN_UNLOCK);
  }
}

async function scanLocked(client: pg.ClientBase, root: string, batchSize: number, options: ScanOptions, now: Date) {
  const nowLiteral = `'${now.toISOString()}'::timestamptz`;
  const merge = mergeBatch(nowLiteral);
  const progress = {
    phase: 'walking' as ScanProgress['phase'],
    folders: 0,
    files: 0,
    bytes: 0,
    batches: 0,
    problems: 0,
    skipped: 0,
  };
  const report = () => options.onProgress?.({ ...progress });
  const stage = async (name: ScanStage) => {
    await options.onStage?.(name);
  };
  // Each batch commits on its own; a scan is idempotent, so a crash losing the last unflushed commits only means
  // the next scan redoes them. Not waiting for each commit's WAL flush keeps the disk out of the loop. SET LOCAL:
  // the setting ends with the transaction.
  const begin = () => client.query('begin; set local synchronous_commit to off');
  let inserted = 0;
  let updated = 0;
  let vanishedInBatches = 0;
  let changedFolders = 0;

  await client.query(CREATE_STAGING);
  // Ids of the subtree's folders in the inventory (and of those this scan adds), and known fingerprints.
  const folderIds = new Map<string, string>();
  const known = new Map<string, string>();
  const existing = await client.query<{ id: string; path: string; listing_hash: string | null }>(KNOWN_FOLDERS, [
    root,
    belowPattern(root),
    dirname(root),
  ]);
  for (const row of existing.rows) {
    folderIds.set(row.path, row.id);
    if (row.listing_hash && !options.full) known.set(row.path, row.listing_hash);
  }
  // A run of this root (or below it) that never finished left its counts unrolled: this one rolls them up.
  const runParams = [root, belowPattern(root), now];
  const interrupted = (await client.query<{ n: number }>(RUN_STARTED, runParams)).rows[0]?.n ?? 0;

  // Folders new to the inventory (and their files) cannot conflict with anything: they go in by plain COPY, the
  // fastest load PostgreSQL has. Known folders go through the staging tables and the set-based merge.
  let batch = {
    freshFolders: [] as string[],
    freshFiles: [] as string[],
    seenFresh: [] as string[],
    folders: [] as string[],
    files: [] as string[],
  };
  const batchFiles = () => batch.freshFiles.length + batch.files.length;
  const mergeOne = async (b: typeof batch) => {
    // One transaction per batch: a fresh folder's fingerprint commits with its files, or neither does.
    await begin();
    try {
      const midway = () => stage('copy');
      await copyInto(
        client,
        'nas.nas_folders (id, parent_id, path, name, depth, listing_hash, last_scanned_at, raw_path)',
        b.freshFolders,
      );
      await copyInto(
        client,
        'nas.nas_files (id, folder_id, file_path, extension, size_bytes, modified_at, kind, raw_path)',
        b.freshFiles,
        midway,
      );
      await copyInto(client, 'nas_scan_seen_folders', b.seenFresh);
      let batchInserted = b.freshFiles.length;
      let batchUpdated = 0;
      let batchVanished = 0;
      if (b.folders.length > 0 || b.files.length > 0) {
        await copyInto(client, 'nas_scan_stage_folders', b.folders);
        await copyInto(client, 'nas_scan_stage_files', b.files, b.freshFiles.length === 0 ? midway : undefined);
        const results = (await client.query(merge)) as unknown as pg.QueryResult[];
        for (const result of results) {
          const row = result.rows?.[0] as { inserted?: number; updated?: number; vanished?: number } | undefined;
          batchInserted += row?.inserted ?? 0;
          batchUpdated += row?.updated ?? 0;
          batchVanished += row?.vanished ?? 0;
        }
      }
      await stage('merge');
      await client.query('commit');
      inserted += batchInserted;
      updated += batchUpdated;
      vanishedInBatches += batchVanished;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
    await stage('commit');
    progress.batches += 1;
    report();
  };
  // One batch is merged while the walk collects the next, so the disk and the database work at the same
  // time; never more than one, so memory stays at two batches.
  let pending: Promise<void> | undefined;
  const flush = async () => {
    const full = batch;
    batch = { freshFolders: [], freshFiles: [], seenFresh: [], folders: [], files: [] };
    if (pending) await pending;
    pending = mergeOne(full);
    pending.catch(() => undefined); // awaited by the next flush or at the end
  };

  const isoNow = now.toISOString();
  const fileValues = (file: WalkedFile) => {
    const extension = extensionOf(file.name);
    const modified = new Date(Math.floor(file.mtimeMs)).toISOString();
    return [file.path, extension, file.size, modified, kindOfExtension(extension)] as const;
  };
  const stagedFile = (file: WalkedFile, partial: boolean) => {
    const [path, extension, size, modified, kind] = fileValues(file);
    return copyLine([
      newId(),
      path,
      file.folderPath,
      extension,
      size,
      modified,
      kind,
      partial ? 't' : 'f',
      rawValue(file.rawPath),
    ]);
  };
  const freshFile = (file: WalkedFile, folderId: string) =>
    copyLine([newId(), folderId, ...fileValues(file), rawValue(file.rawPath)]);
  const addFresh = (folder: WalkedFolder, id: string, hash: string | null) => {
    batch.freshFolders.push(
      copyLine([
        id,
        folderIds.get(folder.parentPath) ?? null,
        folder.path,
        folder.name,
        folder.depth,
        hash,
        isoNow,
        rawValue(folder.rawPath),
      ]),
    );
    batch.seenFresh.push(copyLine([folder.path, 't', 't']));
    changedFolders += 1;
  };
  const addStaged = (folder: WalkedFolder, hash: string | null, changed: boolean, complete: boolean) =>
    batch.folders.push(
      copyLine([
        newId(),
        folder.path,
        folder.parentPath,
        folder.name,
        folder.depth,
        hash,
        changed ? 't' : 'f',
        complete ? 't' : 'f',
        rawValue(folder.rawPath),
      ]),
    );

  // The folder being walked: its files are held back (up to a batch) until the folder is complete, so its
  // fingerprint can be compared with the stored one and an unchanged folder's files need not be sent at all.
  let current:
    | { folder: WalkedFolder; files: WalkedFile[]; streamed: boolean; freshId: string | undefined }
    | undefined;
  const finishFolder = async () => {
    if (!current) return;
    const { folder, files, streamed, freshId } = current;
    current = undefined;
    if (!streamed) {
      const hash = listingHash(files);
      if (freshId) {
        addFresh(folder, freshId, hash);
        for (const file of files) batch.freshFiles.push(freshFile(file, freshId));
      } else {
        const changed = known.get(folder.path) !== hash;
        addStaged(folder, hash, changed, true);
        if (changed) {
          changedFolders += 1;
          for (const file of files) batch.files.push(stagedFile(file, false));
        }
      }
    }
    if (batchFiles() >= batchSize) await flush();
  };

  let walking = false;
  for await (const chunk of walk(root)) {
    if (!walking) {
      walking = true;
      await stage('walk');
    }
    for (const entry of chunk) {
      if (entry.type === 'folder') {
        await finishFolder();
        progress.folders += 1;
        const freshId = folderIds.has(entry.path) ? undefined : newId();
        if (freshId) folderIds.set(entry.path, freshId);
        current = { folder: entry, files: [], streamed: false, freshId };
      } else if (entry.type === 'file') {
        progress.files += 1;
        progress.bytes += entry.size;
        const folder = current as NonNullable<typeof current>;
        if (folder.streamed) {
          if (folder.freshId) batch.freshFiles.push(freshFile(entry, folder.freshId));
          else batch.files.push(stagedFile(entry, true));
          if (batchFiles() >= batchSize) await flush();
        } else {
          folder.files.push(entry);
          if (folder.files.length > batchSize) {
            // Too big to hold back: stream it, without a fingerprint (it is compared file by file every scan).
            folder.streamed = true;
            if (folder.freshId) {
              addFresh(folder.folder, folder.freshId, null);
              for (const file of folder.files) batch.freshFiles.push(freshFile(file, folder.freshId));
            } else {
              changedFolders += 1;
              addStaged(folder.folder, null, true, false);
              for (const file of folder.files) batch.files.push(stagedFile(file, true));
            }
            folder.files = [];
            await flush();
          }
        }
      } else if (entry.type === 'skipped') {
        progress.skipped += 1;
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
  await stage('sweep');
  await client.query('analyze nas_scan_seen_files; analyze nas_scan_seen_folders');
  const params = runParams;
  await begin();
  const files = await client.query<{ n: number }>(MARK_VANISHED_FILES, params);
  const folders = await client.query<{ n: number }>(MARK_VANISHED_FOLDERS, params);
  await client.query('commit');
  const vanishedFiles = vanishedInBatches + (files.rows[0]?.n ?? 0);
  const vanishedFolders = folders.rows[0]?.n ?? 0;
  progress.phase = 'rolling-up';
  report();
  await stage('rollup');
  await begin();
  // Counts and sizes can only have moved if some folder's listing changed, something vanished, or an earlier
  // run was interrupted before its roll-up.
  if (changedFolders > 0 || vanishedFiles > 0 || vanishedFolders > 0 || interrupted > 0) {
    await client.query(ROLL_UP, params);
  } else await client.query(TOUCH_ROOT, [root, now]);
  await client.query(RUN_FINISHED, params);
  await client.query('commit');
  await client.query('truncate nas_scan_seen_folders, nas_scan_seen_files');
  progress.phase = 'done';
  report();
  await stage('done');
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
    skipped: progress.skipped,
  } satisfies ScanResult;
}
