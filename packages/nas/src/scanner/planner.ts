import { newId as kernelNewId } from '@tessera/kernel';
import { freshFileLine, freshFolderLine, listingHash, ScanBatch, stagedFileLine, stagedFolderLine } from './batch.ts';
import { copyLine } from './copy.ts';
import type { WalkEntry, WalkedFile, WalkedFolder } from './walk.ts';

/** What the inventory knows of the scanned subtree before the walk. */
export interface KnownFolders {
  /** The id of every folder of the subtree in the inventory (and of the root's parent), by path. */
  readonly ids: ReadonlyMap<string, string>;
  /** The stored listing fingerprint of every present folder that has one, by path (empty for a full scan). */
  readonly fingerprints: ReadonlyMap<string, string>;
}

/** What the walk has met so far. */
export interface WalkCounts {
  folders: number;
  files: number;
  bytes: number;
  /** Entries that could not be read. */
  problems: number;
  /** Symbolic links, FIFOs, sockets and devices. */
  skipped: number;
}

/** The folder being walked, whose files are held back until it is complete (or found too big to hold). */
interface OpenFolder {
  readonly folder: WalkedFolder;
  files: WalkedFile[];
  /** More than a batch of files: sent as they come, without a fingerprint. */
  streamed: boolean;
  /** The id given to a folder new to the inventory; undefined for a known one. */
  readonly freshId: string | undefined;
}

/**
 * Turns the walk into batches of rows, comparing it with what the inventory knows; no I/O. Each folder's files
 * are held back (up to a batch) until the folder is complete, so its fingerprint can be compared with the stored
 * one and an unchanged folder's files need not be sent at all. A folder of more than a batch is streamed instead,
 * without a fingerprint (so it is compared file by file on every scan). Feed it the walk's entries in order with
 * {@link add}, write every batch it hands back, and end with {@link finish}.
 */
export class ScanPlanner {
  readonly counts: WalkCounts = { folders: 0, files: 0, bytes: 0, problems: 0, skipped: 0 };
  /** Folders new to the inventory or whose listing changed: when none did and nothing vanished, no roll-up is needed. */
  changedFolders = 0;
  private readonly ids: Map<string, string>;
  private readonly fingerprints: ReadonlyMap<string, string>;
  private readonly scannedAt: string;
  private readonly batchSize: number;
  private readonly newId: () => string;
  private batch = new ScanBatch();
  private current: OpenFolder | undefined;

  /**
   * @param batchSize files per batch, a positive whole number.
   * @param scannedAt the scan's time, stored on new folders.
   * @param newId makes row ids (the kernel's UUIDv7 by default; a test may pass its own).
   */
  constructor(known: KnownFolders, batchSize: number, scannedAt: Date, newId: () => string = kernelNewId) {
    this.ids = new Map(known.ids);
    this.fingerprints = known.fingerprints;
    this.batchSize = batchSize;
    this.scannedAt = scannedAt.toISOString();
    this.newId = newId;
  }

  /** Takes the next entry of the walk; returns a batch when one is full and must be written now. */
  add(entry: WalkEntry): ScanBatch | undefined {
    switch (entry.type) {
      case 'folder': {
        const full = this.closeFolder();
        this.counts.folders += 1;
        const freshId = this.ids.has(entry.path) ? undefined : this.newId();
        if (freshId) this.ids.set(entry.path, freshId);
        this.current = { folder: entry, files: [], streamed: false, freshId };
        return full;
      }
      case 'file':
        this.counts.files += 1;
        this.counts.bytes += entry.size;
        return this.addFile(entry);
      case 'skipped':
        this.counts.skipped += 1;
        return undefined;
      default:
        this.counts.problems += 1;
        return undefined;
    }
  }

  /**
   * Ends the walk: the last folder is closed. Returns the batches still to write, in order: a full one if
   * closing the folder filled it, then the rest (always one, possibly empty).
   */
  finish(): ScanBatch[] {
    const full = this.closeFolder();
    const rest = this.take();
    return full ? [full, rest] : [rest];
  }

  private addFile(file: WalkedFile): ScanBatch | undefined {
    // The walk yields a folder before anything inside it.
    const open = this.current as OpenFolder;
    if (open.streamed) {
      this.pushFile(open, file, true);
      return this.takeIfFull();
    }
    open.files.push(file);
    if (open.files.length <= this.batchSize) return undefined;
    // Too big to hold back: stream it, without a fingerprint (it is compared file by file every scan).
    open.streamed = true;
    if (open.freshId) this.addFreshFolder(open.folder, open.freshId, null);
    else {
      this.changedFolders += 1;
      this.batch.folders.push(stagedFolderLine(this.newId(), open.folder, null, true, false));
    }
    for (const held of open.files) this.pushFile(open, held, true);
    open.files = [];
    return this.take();
  }

  /** Settles the folder being walked (if its files were held back) and returns the batch if it is now full. */
  private closeFolder(): ScanBatch | undefined {
    const open = this.current;
    if (!open) return undefined;
    this.current = undefined;
    if (!open.streamed) {
      const hash = listingHash(open.files);
      if (open.freshId) {
        this.addFreshFolder(open.folder, open.freshId, hash);
        for (const file of open.files) this.pushFile(open, file, false);
      } else {
        const changed = this.fingerprints.get(open.folder.path) !== hash;
        this.batch.folders.push(stagedFolderLine(this.newId(), open.folder, hash, changed, true));
        if (changed) {
          this.changedFolders += 1;
          for (const file of open.files) this.pushFile(open, file, false);
        }
      }
    }
    return this.takeIfFull();
  }

  private addFreshFolder(folder: WalkedFolder, id: string, hash: string | null) {
    const parentId = this.ids.get(folder.parentPath) ?? null;
    this.batch.freshFolders.push(freshFolderLine(id, folder, parentId, hash, this.scannedAt));
    this.batch.seenFresh.push(copyLine([folder.path, 't', 't']));
    this.changedFolders += 1;
  }

  private pushFile(open: OpenFolder, file: WalkedFile, partial: boolean) {
    if (open.freshId) this.batch.freshFiles.push(freshFileLine(this.newId(), file, open.freshId));
    else this.batch.files.push(stagedFileLine(this.newId(), file, partial));
  }

  private takeIfFull(): ScanBatch | undefined {
    return this.batch.fileCount >= this.batchSize ? this.take() : undefined;
  }

  private take(): ScanBatch {
    const full = this.batch;
    this.batch = new ScanBatch();
    return full;
  }
}
