import { dirname } from 'node:path';
import type pg from 'pg';
import type { KnownFolders } from './planner.ts';
import {
  BEGIN_UNSYNCED,
  CREATE_STAGING,
  KNOWN_FOLDERS,
  MARK_VANISHED_FILES,
  MARK_VANISHED_FOLDERS,
  ROLL_UP,
  RUN_FINISHED,
  RUN_STARTED,
  TOUCH_ROOT,
} from './sql.ts';

/**
 * The database steps of a scan around its batches: {@link startRun} before the walk, {@link sweepVanished} and
 * {@link finishRun} after it. A run is recorded as finished only with its roll-up, so a rerun after a crash
 * sweeps and rolls up again.
 */

/** One scan of a subtree: its root, a LIKE pattern of every path strictly below it, and the scan's time. */
export interface ScanRun {
  readonly root: string;
  readonly below: string;
  readonly at: Date;
}

/** A LIKE pattern matching every path strictly below `root`. */
export function belowPattern(root: string): string {
  const escaped = root.replace(/[\\%_]/g, (c) => `\\${c}`);
  return root === '/' ? '/%' : `${escaped}/%`;
}

/** The run of a scan of `root` (an absolute, resolved path) at `at`. */
export function scanRun(root: string, at: Date): ScanRun {
  return { root, below: belowPattern(root), at };
}

const runParams = (run: ScanRun) => [run.root, run.below, run.at];

/**
 * Prepares the session's staging tables, reads what the inventory knows of the subtree (without fingerprints
 * when `full`, so every folder is compared file by file) and records the run as started. `interrupted` counts
 * the runs of this root or below it that never finished: their counts were not rolled up.
 */
export async function startRun(
  client: pg.ClientBase,
  run: ScanRun,
  full: boolean,
): Promise<{ known: KnownFolders; interrupted: number }> {
  await client.query(CREATE_STAGING);
  const ids = new Map<string, string>();
  const fingerprints = new Map<string, string>();
  const existing = await client.query<{ id: string; path: string; listing_hash: string | null }>(KNOWN_FOLDERS, [
    run.root,
    run.below,
    dirname(run.root),
  ]);
  for (const row of existing.rows) {
    ids.set(row.path, row.id);
    if (row.listing_hash && !full) fingerprints.set(row.path, row.listing_hash);
  }
  const interrupted = (await client.query<{ n: number }>(RUN_STARTED, runParams(run))).rows[0]?.n ?? 0;
  return { known: { ids, fingerprints }, interrupted };
}

/**
 * Once every batch is written, marks missing (never deletes) the files and folders of the subtree the scan did
 * not see, in one transaction; returns how many of each.
 */
export async function sweepVanished(client: pg.ClientBase, run: ScanRun): Promise<{ files: number; folders: number }> {
  await client.query('analyze nas_scan_seen_files; analyze nas_scan_seen_folders');
  await client.query(BEGIN_UNSYNCED);
  try {
    const files = await client.query<{ n: number }>(MARK_VANISHED_FILES, runParams(run));
    const folders = await client.query<{ n: number }>(MARK_VANISHED_FOLDERS, runParams(run));
    await client.query('commit');
    return { files: files.rows[0]?.n ?? 0, folders: folders.rows[0]?.n ?? 0 };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * Rolls folder counts and sizes up the subtree when `rollUp` (otherwise only records the scan time on the root)
 * and records the run, and the unfinished runs it covered, as finished, in one transaction; then empties the
 * staging tables.
 */
export async function finishRun(client: pg.ClientBase, run: ScanRun, rollUp: boolean): Promise<void> {
  await client.query(BEGIN_UNSYNCED);
  try {
    if (rollUp) await client.query(ROLL_UP, runParams(run));
    else await client.query(TOUCH_ROOT, [run.root, run.at]);
    await client.query(RUN_FINISHED, runParams(run));
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
  await client.query('truncate nas_scan_seen_folders, nas_scan_seen_files');
}
