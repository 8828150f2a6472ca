/** Where a scan is; passed to `onProgress` after every batch and once per phase. */
export interface ScanProgress {
  readonly phase: 'walking' | 'sweeping' | 'rolling-up' | 'done';
  readonly folders: number;
  readonly files: number;
  readonly bytes: number;
  readonly batches: number;
  readonly problems: number;
  /** Symbolic links, FIFOs, sockets and devices met: not followed and not recorded. */
  readonly skipped: number;
}

/**
 * Points of a scan, in order: `walk` (the walk has begun, nothing sent), `copy` (a batch's COPY of files is
 * open), `merge` (a batch is written but not committed), `commit` (a batch is committed), `sweep` (the walk is
 * complete, vanished files not yet marked), `rollup` (vanished marked, counts not yet rolled up), `done`.
 */
export type ScanStage = 'walk' | 'copy' | 'merge' | 'commit' | 'sweep' | 'rollup' | 'done';

/** Options of {@link scanDirectory}. */
export interface ScanOptions {
  /** Files per COPY batch (default 10,000): memory stays at about one batch whatever the tree's size. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Compare every file with the inventory, even in folders whose listing fingerprint is unchanged. */
  readonly full?: boolean;
  /** Called for each directory or file that could not be read; the scan goes on without it. */
  readonly onProblem?: (path: string, message: string) => void;
  /** Awaited at each {@link ScanStage} (every batch passes `copy`, `merge` and `commit`): a hook for fault tests. */
  readonly onStage?: (stage: ScanStage) => void | Promise<void>;
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
  /** Symbolic links, FIFOs, sockets and devices: not followed and not recorded. */
  readonly skipped: number;
}
