import { ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { nas } from '../src/context.ts';
import { NasRepository, type ScanProgress, scanDirectory } from '../src/index.ts';
import { useClient } from './client.ts';
import { makeTree } from './tree.ts';

const db = useTestDatabase(nas);
const client = useClient(db);

/** Every file row of a tree with its row version, to prove what a scan did (not) write. */
async function fileRows(root: string) {
  return db.query<{ file_path: string; xmin: string; missing_since: Date | null; kind: string; size_bytes: string }>(
    `select file_path, xmin::text, missing_since, kind, size_bytes from nas.nas_files where file_path like $1 order by file_path`,
    [`${root}/%`],
  );
}

async function folder(path: string) {
  const [row] = await db.query<{
    file_count: number;
    folder_count: number;
    total_size_bytes: string;
    parent: string | null;
  }>(
    `select f.file_count, f.folder_count, f.total_size_bytes, p.path as parent
     from nas.nas_folders f left join nas.nas_folders p on p.id = f.parent_id where f.path = $1`,
    [path],
  );
  return row;
}

describe('scanDirectory on a real directory tree', () => {
  it('ingests folders and files, recognises video files, and rolls counts and sizes up the tree', async () => {
    const tree = makeTree({
      'wsop/2024/main-event/day1.mp4': 'x'.repeat(100),
      'wsop/2024/main-event/day1.SRT': 'y'.repeat(10),
      'wsop/2024/main-event/notes.txt': 'z'.repeat(5),
      'wsop/2024/side/ft.MXF': 'v'.repeat(1000),
      'ept/readme': 'r',
    });
    try {
      const progress: ScanProgress[] = [];
      const result = await scanDirectory(client(), tree.root, { batchSize: 2, onProgress: (p) => progress.push(p) });
      expect(result).toMatchObject({ files: 5, folders: 6, bytes: 1116, inserted: 5, updated: 0, vanishedFiles: 0 });
      expect(progress.filter((p) => p.phase === 'walking').length).toBeGreaterThanOrEqual(3); // one per batch
      expect(progress.at(-1)).toMatchObject({ phase: 'done', files: 5 });

      const rows = await fileRows(tree.root);
      expect(rows.map((r) => [r.file_path.slice(tree.root.length), r.kind, r.size_bytes])).toEqual([
        ['/ept/readme', 'other', '1'],
        ['/wsop/2024/main-event/day1.SRT', 'subtitle', '10'],
        ['/wsop/2024/main-event/day1.mp4', 'video', '100'],
        ['/wsop/2024/main-event/notes.txt', 'document', '5'],
        ['/wsop/2024/side/ft.MXF', 'video', '1000'],
      ]);
      expect(await folder(tree.root)).toMatchObject({ file_count: 5, folder_count: 5, total_size_bytes: '1116' });
      expect(await folder(tree.path('wsop'))).toMatchObject({
        file_count: 4,
        folder_count: 3,
        total_size_bytes: '1115',
        parent: tree.root,
      });
      expect(await folder(tree.path('wsop/2024/side'))).toMatchObject({ file_count: 1, folder_count: 0 });
    } finally {
      tree.dispose();
    }
  });

  it('a re-scan of an unchanged tree writes no file row', async () => {
    const tree = makeTree({ 'a/one.mp4': '1', 'a/two.mov': '22', 'b/three.jpg': '333' });
    try {
      await scanDirectory(client(), tree.root);
      const before = await fileRows(tree.root);
      const again = await scanDirectory(client(), tree.root);
      expect(again).toMatchObject({ files: 3, inserted: 0, updated: 0, vanishedFiles: 0, vanishedFolders: 0 });
      expect(await fileRows(tree.root)).toEqual(before); // same row versions: nothing was rewritten
    } finally {
      tree.dispose();
    }
  });

  it('marks vanished files and folders instead of deleting them, and brings them back when they return', async () => {
    const tree = makeTree({ 'keep/a.mp4': 'aaaa', 'gone/b.mp4': 'bb', 'keep/c.srt': 'c' });
    try {
      await scanDirectory(client(), tree.root);
      tree.remove('gone');
      tree.remove('keep/c.srt');
      const second = await scanDirectory(client(), tree.root);
      expect(second).toMatchObject({ files: 1, vanishedFiles: 2, vanishedFolders: 1 });
      const rows = await fileRows(tree.root);
      expect(rows).toHaveLength(3); // still there, marked
      expect(rows.filter((r) => r.missing_since !== null).map((r) => r.file_path)).toEqual([
        tree.path('gone/b.mp4'),
        tree.path('keep/c.srt'),
      ]);
      expect(await folder(tree.root)).toMatchObject({ file_count: 1, total_size_bytes: '4' });

      const repo = new NasRepository(db.em());
      expect(await repo.fileByPath(tree.path('gone/b.mp4'))).toBeNull(); // hidden by default
      expect((await repo.missingFiles(tree.root)).map((f) => f.filePath)).toEqual([
        tree.path('gone/b.mp4'),
        tree.path('keep/c.srt'),
      ]);

      tree.write('gone/b.mp4', 'bb');
      const third = await scanDirectory(client(), tree.root);
      expect(third).toMatchObject({ files: 2, updated: 1, vanishedFiles: 0 });
      expect(await new NasRepository(db.em()).fileByPath(tree.path('gone/b.mp4'))).not.toBeNull();
      expect(await folder(tree.root)).toMatchObject({ file_count: 2, total_size_bytes: '6' });
    } finally {
      tree.dispose();
    }
  });

  it('updates a changed file and forgets its checksum, which described other bytes', async () => {
    const tree = makeTree({ 'clip.mp4': 'old' });
    try {
      await scanDirectory(client(), tree.root);
      const file = await new NasRepository(db.em()).fileByPath(tree.path('clip.mp4'));
      await new NasRepository(db.em()).recordChecksum(file?.id as string, 'a'.repeat(64));
      tree.write('clip.mp4', 'newer bytes', new Date('2025-07-01T00:00:00Z'));
      const result = await scanDirectory(client(), tree.root);
      expect(result).toMatchObject({ inserted: 0, updated: 1 });
      const [row] = await db.query('select size_bytes, checksum, modified_at from nas.nas_files where file_path = $1', [
        tree.path('clip.mp4'),
      ]);
      expect(row).toEqual({ size_bytes: '11', checksum: null, modified_at: new Date('2025-07-01T00:00:00Z') });
    } finally {
      tree.dispose();
    }
  });

  it('links a later scan of a subfolder under the folder scanned before, and keeps paths unique', async () => {
    const tree = makeTree({ 'sub/x.mp4': 'x' });
    try {
      await scanDirectory(client(), tree.root);
      const result = await scanDirectory(client(), tree.path('sub'));
      expect(result).toMatchObject({ files: 1, inserted: 0, updated: 0 });
      expect(await folder(tree.path('sub'))).toMatchObject({ parent: tree.root, file_count: 1 });
      const [count] = await db.query<{ n: number }>('select count(*)::int as n from nas.nas_folders where path = $1', [
        tree.path('sub'),
      ]);
      expect(count?.n).toBe(1);
    } finally {
      tree.dispose();
    }
  });

  it('handles a folder larger than a batch (streamed over several): idempotent, and vanished files marked', async () => {
    const tree = makeTree(Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`big/f${i}.mp4`, 'x'.repeat(i)])));
    try {
      const first = await scanDirectory(client(), tree.root, { batchSize: 3 });
      expect(first).toMatchObject({ files: 7, inserted: 7 });
      const before = await fileRows(tree.root);
      expect(await scanDirectory(client(), tree.root, { batchSize: 3 })).toMatchObject({
        inserted: 0,
        updated: 0,
        vanishedFiles: 0,
      });
      expect(await fileRows(tree.root)).toEqual(before);
      tree.remove('big/f3.mp4');
      const after = await scanDirectory(client(), tree.root, { batchSize: 3 });
      expect(after).toMatchObject({ files: 6, vanishedFiles: 1 });
      expect((await fileRows(tree.root)).filter((r) => r.missing_since !== null).map((r) => r.file_path)).toEqual([
        tree.path('big/f3.mp4'),
      ]);
      expect(await folder(tree.path('big'))).toMatchObject({ file_count: 6, total_size_bytes: '18' });
    } finally {
      tree.dispose();
    }
  });

  it('skips unchanged folders by their listing fingerprint, unless asked for a full comparison', async () => {
    const tree = makeTree({ 'a/one.mp4': '1', 'b/two.mp4': '2' });
    try {
      await scanDirectory(client(), tree.root);
      // A change the fingerprint cannot see (made behind the scanner's back): only a full scan repairs it.
      await db.query(`update nas.nas_files set kind = 'other' where file_path = $1`, [tree.path('a/one.mp4')]);
      expect(await scanDirectory(client(), tree.root)).toMatchObject({ updated: 0 });
      expect(await scanDirectory(client(), tree.root, { full: true })).toMatchObject({ updated: 1 });
      expect((await fileRows(tree.root)).map((r) => r.kind)).toEqual(['video', 'video']);
    } finally {
      tree.dispose();
    }
  });

  it('a scan of the parent of a folder scanned before links that folder under it', async () => {
    const tree = makeTree({ 'sub/x.mp4': 'x', 'y.mp4': 'yy' });
    try {
      await scanDirectory(client(), tree.path('sub'));
      expect(await folder(tree.path('sub'))).toMatchObject({ parent: null });
      const result = await scanDirectory(client(), tree.root);
      expect(result).toMatchObject({ files: 2, inserted: 1, updated: 0 });
      expect(await folder(tree.path('sub'))).toMatchObject({ parent: tree.root, file_count: 1 });
      expect(await folder(tree.root)).toMatchObject({ file_count: 2, folder_count: 1, total_size_bytes: '3' });
    } finally {
      tree.dispose();
    }
  });

  it('rejects a root that is not a directory with a typed error, writing nothing', async () => {
    const missing = '/tmp/nas-scan-does-not-exist-at-all';
    const error = await scanDirectory(client(), missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'NasScan', field: 'root' });
    expect(await db.query('select 1 from nas.nas_folders where path = $1', [missing])).toHaveLength(0);
  });
});
