import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { currentScope, ValidationError } from '@tessera/kernel';
import type pg from 'pg';
import { ScanPlanner } from './planner.ts';
import { finishRun, type ScanRun, scanRun, startRun, sweepVanished } from './run.ts';
import { SCAN_LOCK, SCAN_UNLOCK } from './sql.ts';
import type { ScanOptions, ScanProgress, ScanResult } from './types.ts';
import { walk } from './walk.ts';
import { BatchWriter } from './writer.ts';

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
    return await scanLocked(client, scanRun(root, now), batchSize, options);
  } finally {
    await client.query(SCAN_UNLOCK);
  }
}

/**
 * The scan proper, under the scan lock: the planner turns the walk into batches, the writer commits each, then
 * what was not seen is swept and the counts are rolled up.
 */
async function scanLocked(client: pg.ClientBase, run: ScanRun, batchSize: number, options: ScanOptions) {
  let phase: ScanProgress['phase'] = 'walking';
  const { known, interrupted } = await startRun(client, run, options.full ?? false);
  const planner = new ScanPlanner(known, batchSize, run.at);
  const stage = options.onStage;
  const writer = new BatchWriter(client, run.at, { stage, committed: () => report() });
  const report = () => options.onProgress?.({ phase, ...planner.counts, batches: writer.totals.batches });

  await writeWalk(run.root, planner, writer, options);

  phase = 'sweeping';
  report();
  await stage?.('sweep');
  const vanished = await sweepVanished(client, run);
  const vanishedFiles = writer.totals.vanished + vanished.files;
  phase = 'rolling-up';
  report();
  await stage?.('rollup');
  // Counts and sizes can only have moved if some folder's listing changed, something vanished, or an earlier
  // run was interrupted before its roll-up.
  const rollUp = planner.changedFolders > 0 || vanishedFiles > 0 || vanished.folders > 0 || interrupted > 0;
  await finishRun(client, run, rollUp);
  phase = 'done';
  report();
  await stage?.('done');
  const { folders, files, bytes, problems, skipped } = planner.counts;
  const { inserted, updated } = writer.totals;
  return {
    root: run.root,
    folders,
    files,
    bytes,
    inserted,
    updated,
    vanishedFiles,
    vanishedFolders: vanished.folders,
    problems,
    skipped,
  } satisfies ScanResult;
}

/** Walks the tree, planning it into batches and writing each; returns once the last batch is committed. */
async function writeWalk(root: string, planner: ScanPlanner, writer: BatchWriter, options: ScanOptions) {
  let walking = false;
  for await (const chunk of walk(root)) {
    if (!walking) {
      walking = true;
      await options.onStage?.('walk');
    }
    for (const entry of chunk) {
      const full = planner.add(entry);
      if (entry.type === 'problem') options.onProblem?.(entry.path, entry.message);
      if (full) await writer.send(full);
    }
  }
  for (const batch of planner.finish()) await writer.send(batch);
  await writer.drain();
}
