import { newId } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { nas } from '../src/context.ts';
import { ScanBatch } from '../src/scanner/batch.ts';
import { ScanPlanner } from '../src/scanner/planner.ts';
import { finishRun, scanRun, startRun, sweepVanished } from '../src/scanner/run.ts';
import type { ScanStage } from '../src/scanner/types.ts';
import type { WalkEntry } from '../src/scanner/walk.ts';
import { BatchWriter } from '../src/scanner/writer.ts';
import { useClient } from './client.ts';

const db = useTestDatabase(nas);
const client = useClient(db);

let root: string;
beforeEach(() => {
  // Each test works on a subtree of its own; nothing here touches the disk.
  root = `/writer-${newId()}`;
});

const folder = (path: string): WalkEntry => ({
  type: 'folder',
  path,
  parentPath: path.split('/').slice(0, -1).join('/') || '/',
  name: path.split('/').at(-1) as string,
  depth: path.split('/').length - 1,
});
const file = (path: string, size = 1): WalkEntry => ({
  type: 'file',
  path,
  folderPath: path.split('/').slice(0, -1).join('/'),
  name: path.split('/').at(-1) as string,
  size,
  mtimeMs: 1_700_000_000_000,
});

/** Plans `entries` against the inventory as a scan would (one batch), and starts the run. */
async function planned(entries: WalkEntry[], at = new Date()) {
  const run = scanRun(root, at);
  const { known, interrupted } = await startRun(client(), run, false);
  const planner = new ScanPlanner(known, 1000, at);
  for (const entry of entries) expect(planner.add(entry)).toBeUndefined();
  const [batch] = planner.finish();
  return { run, planner, interrupted, batch: batch as ScanBatch };
}

const files = () =>
  db.query<{ file_path: string; missing: boolean }>(
    'select file_path, missing_since is not null as missing from nas.nas_files where file_path like $1 order by 1',
    [`${root}/%`],
  );

describe('BatchWriter: one batch, one transaction', () => {
  it('writes a planned batch, counts what it inserted, and reports each stage in order', async () => {
    const { batch } = await planned([folder(root), file(`${root}/a.mp4`), file(`${root}/b.mp4`)]);
    const stages: ScanStage[] = [];
    let committed = 0;
    const writer = new BatchWriter(client(), new Date(), {
      stage: (s) => {
        stages.push(s);
      },
      committed: () => {
        committed += 1;
      },
    });
    await writer.write(batch);
    expect(stages).toEqual(['copy', 'merge', 'commit']);
    expect(committed).toBe(1);
    expect(writer.totals).toEqual({ inserted: 2, updated: 0, vanished: 0, batches: 1 });
    expect(await files()).toEqual([
      { file_path: `${root}/a.mp4`, missing: false },
      { file_path: `${root}/b.mp4`, missing: false },
    ]);
  });

  it('merges a changed known folder: updates what changed and marks files gone from its listing', async () => {
    await new BatchWriter(client(), new Date()).write(
      (await planned([folder(root), file(`${root}/a.mp4`), file(`${root}/b.mp4`)])).batch,
    );
    const { batch } = await planned([folder(root), file(`${root}/a.mp4`, 99)]);
    const writer = new BatchWriter(client(), new Date());
    await writer.write(batch);
    expect(writer.totals).toEqual({ inserted: 0, updated: 1, vanished: 1, batches: 1 });
    expect(await files()).toEqual([
      { file_path: `${root}/a.mp4`, missing: false },
      { file_path: `${root}/b.mp4`, missing: true },
    ]);
  });

  it('a batch that fails leaves nothing behind, counts nothing, and the session stays usable', async () => {
    const { batch } = await planned([folder(root), file(`${root}/a.mp4`)]);
    const writer = new BatchWriter(client(), new Date(), {
      stage: (s) => {
        if (s === 'merge') throw new Error('stopped before commit');
      },
    });
    await expect(writer.write(batch)).rejects.toThrow('stopped before commit');
    expect(writer.totals).toEqual({ inserted: 0, updated: 0, vanished: 0, batches: 0 });
    expect(await files()).toEqual([]);
    expect(await db.query('select 1 from nas.nas_folders where path = $1', [root])).toEqual([]);
    expect((await client().query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('send writes batches one after another; a failed one is thrown by drain', async () => {
    const { batch } = await planned([folder(root), file(`${root}/a.mp4`)]);
    const writer = new BatchWriter(client(), new Date());
    await writer.send(batch);
    await writer.send(new ScanBatch());
    await writer.drain();
    expect(writer.totals.batches).toBe(2);

    const failing = new BatchWriter(client(), new Date(), {
      stage: () => {
        throw new Error('write failed');
      },
    });
    await failing.send(new ScanBatch());
    await expect(failing.drain()).rejects.toThrow('write failed');
  });
});

describe('scan run steps around the batches', () => {
  it('sweepVanished marks files and folders the scan did not see; finishRun rolls the counts up', async () => {
    // A first scan of root/keep and root/gone.
    const first = await planned([
      folder(root),
      folder(`${root}/keep`),
      file(`${root}/keep/a.mp4`, 10),
      folder(`${root}/gone`),
      file(`${root}/gone/b.mp4`, 20),
    ]);
    await new BatchWriter(client(), first.run.at).write(first.batch);
    expect(await sweepVanished(client(), first.run)).toEqual({ files: 0, folders: 0 });
    await finishRun(client(), first.run, true);
    const size = () =>
      db.query<{ total_size_bytes: string; file_count: number }>(
        'select total_size_bytes, file_count from nas.nas_folders where path = $1',
        [root],
      );
    expect(await size()).toEqual([{ total_size_bytes: '30', file_count: 2 }]);

    // A second scan no longer finds root/gone: its folder and file are marked, not deleted.
    const second = await planned([folder(root), folder(`${root}/keep`), file(`${root}/keep/a.mp4`, 10)]);
    expect(second.interrupted).toBe(0);
    await new BatchWriter(client(), second.run.at).write(second.batch);
    expect(await sweepVanished(client(), second.run)).toEqual({ files: 1, folders: 1 });
    await finishRun(client(), second.run, true);
    expect(await size()).toEqual([{ total_size_bytes: '10', file_count: 1 }]);
    expect(await files()).toEqual([
      { file_path: `${root}/gone/b.mp4`, missing: true },
      { file_path: `${root}/keep/a.mp4`, missing: false },
    ]);
  });

  it('a run that never finished is reported by the next start, which then rolls it up', async () => {
    const first = await planned([folder(root), file(`${root}/a.mp4`, 5)]);
    await new BatchWriter(client(), first.run.at).write(first.batch);
    // No sweep, no finishRun: as if the scan was killed here.
    const second = await planned([folder(root), file(`${root}/a.mp4`, 5)]);
    expect(second.interrupted).toBe(1);
    expect(second.planner.changedFolders).toBe(0);
    await finishRun(client(), second.run, true);
    const third = await planned([folder(root)]);
    expect(third.interrupted).toBe(0);
    await finishRun(client(), third.run, false);
  });
});
