import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanDirectory } from '@tessera/nas';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { tessera, useMigratedDatabase } from './cli.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/scan-until.ts', import.meta.url));
const STAGES = ['walk', 'copy', 'merge', 'commit', 'sweep', 'rollup', 'done'] as const;

const db = useMigratedDatabase();

/**
 * Runs a scan in a child process (a small script, or the CLI itself with `cliArgs`) until it reports that it
 * reached `stage`, then kills it with SIGKILL, which cuts its database connection mid-work. `whilePaused` runs
 * before the kill.
 */
function scanKilledAt(
  root: string,
  stage: string,
  options: { cli?: boolean; whilePaused?: () => Promise<void> } = {},
): Promise<{ reached: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const args = options.cli
      ? ['--conditions=@tessera/source', cli, 'nas', 'scan', root, '--batch-size', '20']
      : ['--conditions=@tessera/source', child, root, stage];
    const proc = spawn(process.execPath, args, {
      env: { ...process.env, DATABASE_URL: db.url, TESSERA_SCAN_PAUSE_AT: stage },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let reached = false;
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (!reached && output.includes(`scan paused at ${stage}`)) {
        reached = true;
        (options.whilePaused ?? (async () => {}))().then(
          () => proc.kill('SIGKILL'),
          (error: unknown) => {
            proc.kill('SIGKILL');
            reject(error);
          },
        );
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', () => resolve({ reached, output }));
  });
}

/** A plain rerun, in this process: the same scanner the CLI runs. */
async function rerun(root: string) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await scanDirectory(client, root, { batchSize: 20 });
  } finally {
    await client.end();
  }
}

/** Kills a scan of `root` at `stage`, then reruns it plainly and expects an inventory equal to the tree. */
async function killThenRerun(root: string, stage: string) {
  const killed = await scanKilledAt(root, stage);
  expect(killed.reached, killed.output).toBe(true);
  await rerun(root);
  await expectInventoryEqualsTree(root);
}

/** A tree of four folders: two small ones, one larger than a batch (streamed, unless `big` is false), one nested. */
function makeTree(big = true): string {
  const root = mkdtempSync(join(tmpdir(), 'tessera-scan-crash-'));
  const put = (rel: string, size: number) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), 'x'.repeat(size));
  };
  for (let i = 0; i < 12; i++) put(`a/clip-${i}.mp4`, i + 1);
  for (let i = 0; i < 9; i++) put(`b/sub/hand-${i}.srt`, 10 + i);
  for (let i = 0; i < (big ? 45 : 15); i++) put(`big/frame-${i}.jpg`, 100 + i);
  put('top.txt', 7);
  return root;
}

/** Every file of the tree with its size, and each folder's rolled-up totals, read from the disk. */
function onDisk(root: string) {
  const files = new Map<string, number>();
  const folders = new Map<string, { files: number; bytes: number }>();
  const visit = (dir: string): { files: number; bytes: number } => {
    const total = { files: 0, bytes: 0 };
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) {
        const sub = visit(path);
        total.files += sub.files;
        total.bytes += sub.bytes;
      } else {
        files.set(path, info.size);
        total.files += 1;
        total.bytes += info.size;
      }
    }
    folders.set(dir, total);
    return total;
  };
  visit(root);
  return { files, folders };
}

/** The same, read from the inventory (present rows only). */
async function inInventory(root: string) {
  const like = `${root}/%`;
  const fileRows = (await db.query(
    `select file_path, size_bytes from nas.nas_files where file_path like $1 and missing_since is null`,
    [like],
  )) as { file_path: string; size_bytes: string }[];
  const folderRows = (await db.query(
    `select path, file_count, total_size_bytes from nas.nas_folders
      where (path = $1 or path like $2) and missing_since is null`,
    [root, like],
  )) as { path: string; file_count: number; total_size_bytes: string }[];
  return {
    files: new Map(fileRows.map((r) => [r.file_path, Number(r.size_bytes)])),
    folders: new Map(folderRows.map((r) => [r.path, { files: r.file_count, bytes: Number(r.total_size_bytes) }])),
  };
}

async function expectInventoryEqualsTree(root: string) {
  const disk = onDisk(root);
  const inventory = await inInventory(root);
  expect(inventory.files).toEqual(disk.files);
  expect(inventory.folders).toEqual(disk.folders);
}

describe('tessera nas scan killed with SIGKILL', () => {
  it.each(STAGES)(
    'at stage "%s" of a first scan: a plain rerun gives an inventory equal to the tree',
    async (stage) => {
      const root = makeTree();
      try {
        await killThenRerun(root, stage);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  it('before the roll-up, on a tree whose folders all fit a batch: the rerun rolls up though nothing changed', async () => {
    const root = makeTree(false);
    try {
      await killThenRerun(root, 'rollup');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.each(STAGES)('at stage "%s" of a rescan of a changed tree: a plain rerun catches up', async (stage) => {
    const root = makeTree();
    try {
      await rerun(root);
      // Change every kind of folder: new files, a vanished one, a grown one, a new folder, a vanished folder.
      for (let i = 0; i < 25; i++) writeFileSync(join(root, 'a', `new-${i}.mp4`), 'n'.repeat(i + 1));
      rmSync(join(root, 'a', 'clip-0.mp4'));
      writeFileSync(join(root, 'big', 'frame-1.jpg'), 'grown'.repeat(50));
      rmSync(join(root, 'b'), { recursive: true });
      mkdirSync(join(root, 'c'));
      writeFileSync(join(root, 'c', 'fresh.mov'), 'fresh');

      await killThenRerun(root, stage);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the CLI killed during a COPY (the server mid-COPY): a plain rerun of the CLI catches up', {
    timeout: 180_000,
  }, async () => {
    const root = makeTree();
    try {
      const killed = await scanKilledAt(root, 'copy', {
        cli: true,
        // The COPY is open on the server: its first lines are in, its end is not.
        whilePaused: async () => {
          const copying = await db.query(
            `select count(*)::int as n from pg_stat_activity
              where datname = current_database() and query ilike 'copy nas.nas_files%' and state = 'active'`,
          );
          expect(copying[0]?.n).toBe(1);
        },
      });
      expect(killed.reached, killed.output).toBe(true);
      const again = await tessera(db.url, 'nas', 'scan', root, '--batch-size', '20');
      expect(again.code, again.stderr).toBe(0);
      await expectInventoryEqualsTree(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
