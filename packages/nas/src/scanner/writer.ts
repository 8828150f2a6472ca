import type pg from 'pg';
import type { ScanBatch } from './batch.ts';
import { copyInto } from './copy.ts';
import { BEGIN_UNSYNCED, mergeBatch } from './sql.ts';
import type { ScanStage } from './types.ts';

/** What the writer tells its scan. */
export interface WriterHooks {
  /** Awaited at each stage of a batch: `copy`, `merge` and `commit`. */
  readonly stage?: (stage: ScanStage) => void | Promise<void>;
  /** Called once a batch is committed. */
  readonly committed?: () => void;
}

/** What the batches written so far changed. */
export interface WriterTotals {
  /** Files new to the inventory. */
  inserted: number;
  /** Known files that changed or came back. */
  updated: number;
  /** Known files of complete, changed folders that were not in their listing. */
  vanished: number;
  /** Batches committed. */
  batches: number;
}

/**
 * Writes a scan's batches on its client, each in a transaction of its own, so a scan killed at any point leaves
 * only whole batches behind: a fresh folder's fingerprint commits with its files, or neither does. The staging
 * tables must exist (see `CREATE_STAGING`). One batch is written while the walk collects the next ({@link send}),
 * so the disk and the database work at the same time; never more than one, so memory stays at two batches.
 */
export class BatchWriter {
  readonly totals: WriterTotals = { inserted: 0, updated: 0, vanished: 0, batches: 0 };
  private readonly client: pg.ClientBase;
  private readonly hooks: WriterHooks;
  private readonly merge: string;
  private pending: Promise<void> | undefined;

  constructor(client: pg.ClientBase, scannedAt: Date, hooks: WriterHooks = {}) {
    this.client = client;
    this.hooks = hooks;
    this.merge = mergeBatch(`'${scannedAt.toISOString()}'::timestamptz`);
  }

  /**
   * Starts writing `batch` once the one before it is written, and returns without waiting for it. A failed write
   * is thrown by the next `send` or by {@link drain}.
   */
  async send(batch: ScanBatch): Promise<void> {
    if (this.pending) await this.pending;
    this.pending = this.write(batch);
    this.pending.catch(() => undefined); // awaited by the next send or by drain
  }

  /** Waits for the last batch sent; throws if its write failed. */
  async drain(): Promise<void> {
    await this.pending;
  }

  /** Writes one batch in one transaction, and adds what it changed to the totals only once it is committed. */
  async write(batch: ScanBatch): Promise<void> {
    const { client } = this;
    const stage = async (name: ScanStage) => {
      await this.hooks.stage?.(name);
    };
    await client.query(BEGIN_UNSYNCED);
    let inserted = batch.freshFiles.length;
    let updated = 0;
    let vanished = 0;
    try {
      const midway = () => stage('copy');
      await copyInto(
        client,
        'nas.nas_folders (id, parent_id, path, name, depth, listing_hash, last_scanned_at, raw_path)',
        batch.freshFolders,
      );
      await copyInto(
        client,
        'nas.nas_files (id, folder_id, file_path, extension, size_bytes, modified_at, kind, raw_path)',
        batch.freshFiles,
        midway,
      );
      await copyInto(client, 'nas_scan_seen_folders', batch.seenFresh);
      if (batch.needsMerge) {
        await copyInto(client, 'nas_scan_stage_folders', batch.folders);
        await copyInto(client, 'nas_scan_stage_files', batch.files, batch.freshFiles.length === 0 ? midway : undefined);
        const results = (await client.query(this.merge)) as unknown as pg.QueryResult[];
        for (const result of results) {
          const row = result.rows?.[0] as { inserted?: number; updated?: number; vanished?: number } | undefined;
          inserted += row?.inserted ?? 0;
          updated += row?.updated ?? 0;
          vanished += row?.vanished ?? 0;
        }
      }
      await stage('merge');
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
    this.totals.inserted += inserted;
    this.totals.updated += updated;
    this.totals.vanished += vanished;
    await stage('commit');
    this.totals.batches += 1;
    this.hooks.committed?.();
  }
}
