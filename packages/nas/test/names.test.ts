import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { nas } from '../src/context.ts';
import { scanDirectory } from '../src/index.ts';
import { useClient } from './client.ts';

const db = useTestDatabase(nas);
const client = useClient(db);

const bytes = (...parts: (string | number[] | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** Regular files whose names a naive scanner mangles or drops; each entry is the name's exact bytes. */
const TRICKY: Buffer[] = [
  bytes('new\nline.mp4'),
  bytes('tab\there.txt'),
  bytes('carriage\rreturn.srt'),
  bytes('back\\slash.mov'),
  bytes('double"quote.jpg'),
  bytes("single'quote.pdf"),
  bytes('x'.repeat(246), '.mp4'), // 250 characters
  bytes('long.', 'e'.repeat(60)), // an "extension" longer than the column
  bytes('percent%_under.mxf'),
  bytes(' spaces around '),
  bytes('looks\\x80escaped.txt'), // a valid name that reads like an escape
  bytes('caf', [0xe9], '.mp4'), // Latin-1, not UTF-8
  bytes([0xff, 0xfe], 'bom.srt'),
  bytes('lone', [0x80], 'cont\\inuation'), // a stray continuation byte, and a backslash
];

describe('scanDirectory and the names a POSIX tree can hold', () => {
  it('records every regular file with its exact name; links, loops and FIFOs are counted, not followed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nas-names-'));
    try {
      const expected: Buffer[] = [];
      for (const name of TRICKY) {
        const path = bytes(root, '/', name) as unknown as string; // fs takes Buffer paths as they are
        writeFileSync(path, 'data');
        expected.push(bytes(root, '/', name));
      }
      // A folder whose own name is not valid UTF-8, with a file in it.
      const oddDir = bytes(root, '/dir', [0xfc]);
      mkdirSync(oddDir as unknown as string);
      writeFileSync(bytes(oddDir, '/inner.txt') as unknown as string, 'in');
      expected.push(bytes(oddDir, '/inner.txt'));
      // Links (to a file, to a folder, dangling), a loop back to the root, and a FIFO.
      mkdirSync(join(root, 'sub'));
      symlinkSync(join(root, 'tab\there.txt'), join(root, 'sub', 'file-link'));
      symlinkSync(root, join(root, 'sub', 'loop'));
      symlinkSync(join(root, 'sub'), join(root, 'dir-link'));
      symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
      execFileSync('mkfifo', [join(root, 'sub', 'pipe')]);

      const result = await scanDirectory(client(), root, { batchSize: 5 });
      expect(result).toMatchObject({ files: 15, folders: 3, problems: 0, skipped: 5 });

      const rows = await db.query<{ file_path: string; raw_path: Buffer | null; extension: string }>(
        `select file_path, raw_path, extension from nas.nas_files
          where file_path like $1 and missing_since is null`,
        [`${root.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`],
      );
      // The exact bytes of each row's path: raw_path when the text had to be escaped, else the text itself.
      const stored = rows.map((r) => r.raw_path ?? Buffer.from(r.file_path));
      const hex = (list: Buffer[]) => list.map((b) => b.toString('hex')).sort();
      expect(hex(stored)).toEqual(hex(expected));
      // raw_path is set exactly for the paths that are not valid UTF-8, and their text shows the escapes.
      const escaped = rows.filter((r) => r.raw_path !== null).map((r) => r.file_path.slice(root.length + 1));
      expect(escaped.sort()).toEqual(
        ['caf\\xe9.mp4', '\\xff\\xfebom.srt', 'lone\\x80cont\\x5cinuation', 'dir\\xfc/inner.txt'].sort(),
      );
      expect(rows.find((r) => r.file_path.endsWith(`long.${'e'.repeat(60)}`))?.extension).toBe('');
      // The folder's exact bytes are kept too.
      const [folder] = await db.query<{ raw_path: Buffer }>(`select raw_path from nas.nas_folders where path = $1`, [
        `${root}/dir\\xfc`,
      ]);
      expect(folder?.raw_path.equals(oddDir)).toBe(true);

      // Scanning again in full compares every file: nothing differs, nothing is rewritten.
      const again = await scanDirectory(client(), root, { full: true });
      expect(again).toMatchObject({ files: 15, inserted: 0, updated: 0, vanishedFiles: 0 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports, rather than merges, a name that is not UTF-8 whose escaped form is a sibling name', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nas-names-'));
    try {
      writeFileSync(join(root, 'a\\x80'), 'valid name');
      writeFileSync(bytes(root, '/a', [0x80]) as unknown as string, 'invalid name');
      const problems: string[] = [];
      const result = await scanDirectory(client(), root, { onProblem: (path) => problems.push(path) });
      expect(result).toMatchObject({ files: 1, problems: 1 });
      expect(problems).toEqual([`${root}/a\\x80`]);
      const rows = await db.query<{ raw_path: Buffer | null }>(
        'select raw_path from nas.nas_files where file_path = $1',
        [`${root}/a\\x80`],
      );
      expect(rows).toEqual([{ raw_path: null }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
