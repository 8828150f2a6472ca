import { describe, expect, it } from 'vitest';
import { listingHash, type ScanBatch } from '../src/scanner/batch.ts';
import { type KnownFolders, ScanPlanner } from '../src/scanner/planner.ts';
import type { WalkEntry, WalkedFile, WalkedFolder } from '../src/scanner/walk.ts';

// The planner does no I/O: these tests feed it walk entries and read the COPY lines it plans.

const at = new Date('2026-01-02T03:04:05Z');

function folder(path: string): WalkedFolder {
  const parts = path.split('/');
  return {
    type: 'folder',
    path,
    parentPath: parts.slice(0, -1).join('/') || '/',
    name: parts.at(-1) as string,
    depth: parts.length - 1,
  };
}

function file(folderPath: string, name: string, size = 1): WalkedFile {
  return { type: 'file', path: `${folderPath}/${name}`, folderPath, name, size, mtimeMs: 1_700_000_000_000 };
}

/** A planner whose ids are `id-1`, `id-2`, … in the order it asks for them. */
function planner(known: Partial<KnownFolders> = {}, batchSize = 100) {
  let n = 0;
  return new ScanPlanner(
    { ids: known.ids ?? new Map(), fingerprints: known.fingerprints ?? new Map() },
    batchSize,
    at,
    () => `id-${++n}`,
  );
}

/** Feeds every entry, then finishes; returns every batch the planner handed back, in order. */
function plan(p: ScanPlanner, entries: WalkEntry[]): ScanBatch[] {
  const batches: ScanBatch[] = [];
  for (const entry of entries) {
    const full = p.add(entry);
    if (full) batches.push(full);
  }
  return [...batches, ...p.finish()];
}

/** COPY lines back to their values (`\N` as null). */
const rows = (lines: readonly string[]) =>
  lines.map((line) =>
    line
      .replace(/\n$/, '')
      .split('\t')
      .map((v) => (v === '\\N' ? null : v)),
  );

describe('ScanPlanner: the walk compared with the inventory, as batches of rows', () => {
  it('plans a folder new to the inventory, and its files, as plain inserts linked by the ids it gives', () => {
    const p = planner({ ids: new Map([['/nas', 'parent-id']]) });
    const files = [file('/nas/a', 'one.mp4', 10), file('/nas/a', 'two.srt', 2)];
    const [batch, ...rest] = plan(p, [folder('/nas/a'), ...files]);
    expect(rest).toEqual([]);
    expect(rows(batch?.freshFolders ?? [])).toEqual([
      ['id-1', 'parent-id', '/nas/a', 'a', '2', listingHash(files), at.toISOString(), null],
    ]);
    expect(rows(batch?.freshFiles ?? [])).toEqual([
      ['id-2', 'id-1', '/nas/a/one.mp4', 'mp4', '10', '2023-11-14T22:13:20.000Z', 'video', null],
      ['id-3', 'id-1', '/nas/a/two.srt', 'srt', '2', '2023-11-14T22:13:20.000Z', 'subtitle', null],
    ]);
    expect(rows(batch?.seenFresh ?? [])).toEqual([['/nas/a', 't', 't']]);
    expect(batch?.needsMerge).toBe(false);
    expect(p.changedFolders).toBe(1);
    expect(p.counts).toEqual({ folders: 1, files: 2, bytes: 12, problems: 0, skipped: 0 });
  });

  it('a subfolder new to the inventory gets its new parent as parent', () => {
    const [batch] = plan(planner(), [folder('/nas/a'), folder('/nas/a/b'), file('/nas/a/b', 'x.mp4')]);
    expect(rows(batch?.freshFolders ?? []).map((r) => r.slice(0, 3))).toEqual([
      ['id-1', null, '/nas/a'],
      ['id-2', 'id-1', '/nas/a/b'],
    ]);
  });

  it('sends a known folder with an unchanged fingerprint without its files', () => {
    const files = [file('/nas/a', 'one.mp4'), file('/nas/a', 'two.mp4')];
    const p = planner({ ids: new Map([['/nas/a', 'a-id']]), fingerprints: new Map([['/nas/a', listingHash(files)]]) });
    const [batch] = plan(p, [folder('/nas/a'), ...files]);
    expect(rows(batch?.folders ?? [])).toEqual([
      ['id-1', '/nas/a', '/nas', 'a', '2', listingHash(files), 'f', 't', null],
    ]);
    expect(batch?.files).toEqual([]);
    expect(batch?.freshFolders).toEqual([]);
    expect(p.changedFolders).toBe(0);
  });

  it('sends a known folder whose listing changed with all its files, marked complete', () => {
    const files = [file('/nas/a', 'one.mp4', 5)];
    const p = planner({ ids: new Map([['/nas/a', 'a-id']]), fingerprints: new Map([['/nas/a', 'old']]) });
    const [batch] = plan(p, [folder('/nas/a'), ...files]);
    expect(rows(batch?.folders ?? [])).toEqual([
      ['id-1', '/nas/a', '/nas', 'a', '2', listingHash(files), 't', 't', null],
    ]);
    expect(rows(batch?.files ?? [])).toEqual([
      ['id-2', '/nas/a/one.mp4', '/nas/a', 'mp4', '5', '2023-11-14T22:13:20.000Z', 'video', 'f', null],
    ]);
    expect(p.changedFolders).toBe(1);
  });

  it('compares every known folder file by file when the inventory gave no fingerprints (a full scan)', () => {
    const [batch] = plan(planner({ ids: new Map([['/nas/a', 'a-id']]) }), [folder('/nas/a'), file('/nas/a', 'x')]);
    expect(rows(batch?.folders ?? []).map((r) => r[6])).toEqual(['t']);
    expect(batch?.files).toHaveLength(1);
  });

  it('hands back a batch as soon as it holds a batch of files, at a folder boundary', () => {
    const entries = [folder('/n/a'), file('/n/a', '1'), file('/n/a', '2'), folder('/n/b'), file('/n/b', '3')];
    const batches = plan(planner({}, 2), entries);
    expect(batches.map((b) => rows(b.freshFiles).map((r) => r[2]))).toEqual([['/n/a/1', '/n/a/2'], ['/n/b/3']]);
  });

  it('streams a folder of more than a batch, without a fingerprint, its files marked partial', () => {
    const p = planner({ ids: new Map([['/n/big', 'big-id']]), fingerprints: new Map([['/n/big', 'old']]) }, 2);
    const names = ['1', '2', '3', '4'];
    const batches = plan(p, [folder('/n/big'), ...names.map((n) => file('/n/big', n))]);
    // Held until the third file shows the folder is too big, then streamed batch by batch; the rest at the end.
    expect(batches.map((b) => rows(b.files).map((r) => [r[1], r[7]]))).toEqual([
      [
        ['/n/big/1', 't'],
        ['/n/big/2', 't'],
        ['/n/big/3', 't'],
      ],
      [['/n/big/4', 't']],
    ]);
    expect(rows(batches[0]?.folders ?? [])).toEqual([['id-1', '/n/big', '/n', 'big', '2', null, 't', 'f', null]]);
    expect(batches[1]?.folders).toEqual([]);
    expect(p.changedFolders).toBe(1);
  });

  it('streams a new folder of more than a batch as plain inserts, without a fingerprint', () => {
    const batches = plan(planner({}, 1), [folder('/n/new'), file('/n/new', '1'), file('/n/new', '2')]);
    expect(rows(batches[0]?.freshFolders ?? []).map((r) => r[5])).toEqual([null]);
    expect(batches.flatMap((b) => rows(b.freshFiles).map((r) => [r[1], r[2]]))).toEqual([
      ['id-1', '/n/new/1'],
      ['id-1', '/n/new/2'],
    ]);
  });

  it('counts skipped entries and problems without planning rows for them', () => {
    const p = planner();
    const [batch] = plan(p, [
      folder('/n'),
      { type: 'skipped', path: '/n/link', what: 'symlink' },
      { type: 'problem', path: '/n/locked', message: 'EACCES' },
    ]);
    expect(p.counts).toMatchObject({ folders: 1, files: 0, skipped: 1, problems: 1 });
    expect(batch?.fileCount).toBe(0);
    expect(batch?.freshFolders).toHaveLength(1);
  });

  it('finishes with one batch, possibly empty, after the last full one', () => {
    const batches = plan(planner({}, 1), [folder('/n'), file('/n', '1')]);
    expect(batches.map((b) => b.fileCount)).toEqual([1, 0]);
  });
});
