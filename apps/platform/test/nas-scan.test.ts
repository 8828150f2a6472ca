import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDatabase, tessera } from './cli.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
let root: string;
beforeEach(async () => {
  db = await emptyDatabase();
  root = mkdtempSync(join(tmpdir(), 'tessera-nas-scan-'));
  mkdirSync(join(root, 'wsop', '2024'), { recursive: true });
  writeFileSync(join(root, 'wsop', '2024', 'day1.mp4'), 'video');
  writeFileSync(join(root, 'wsop', '2024', 'day1.srt'), 'subs');
});
afterEach(async () => {
  await db.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('tessera nas scan', () => {
  it('ingests a directory tree with progress, and a second scan changes nothing', async () => {
    expect((await tessera(db.url, 'migrate')).code).toBe(0);
    const first = await tessera(db.url, 'nas', 'scan', root);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Scanning ${root}`);
    expect(first.stdout).toContain('  2 files, 3 folders, 9 B'); // the progress line of the batch
    expect(first.stdout).toMatch(/2 files in 3 folders/);
    expect(first.stdout).toContain('2 new, 0 changed, 0 vanished files');
    const rows = await db.query('select kind from nas.nas_files order by file_path');
    expect(rows.map((r) => r.kind)).toEqual(['video', 'subtitle']);

    const second = await tessera(db.url, 'nas', 'scan', root);
    expect(second.stdout).toContain('0 new, 0 changed, 0 vanished files');
  });

  it('exits 1 with a message naming the directory when it cannot be read', async () => {
    expect((await tessera(db.url, 'migrate')).code).toBe(0);
    const result = await tessera(db.url, 'nas', 'scan', join(root, 'nope'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`NasScan.root: ${join(root, 'nope')} is not a directory that can be read`);
  });

  it('exits 2 with the usage when the directory is missing', async () => {
    const result = await tessera(db.url, 'nas', 'scan');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: tessera nas scan DIR');
  });
});
