/**
 * Generates a NAS-like tree for the benchmark: series / year / event folders, each event folder holding
 * video, subtitle and sheet files. Files are sparse (a size, no blocks), so a million of them cost inodes,
 * not disk. Usage: node bench/generate-tree.ts <dir> [files=1000000]. Reuses a complete tree.
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? '/tmp/nas-work/tree';
const total = Number(process.argv[3] ?? 1_000_000);
const marker = join(root, `.complete-${total}`);
if (existsSync(marker)) {
  console.log(`${root}: a tree of ${total} files already exists`);
  process.exit(0);
}
const PER_FOLDER = 100;
const folders = Math.ceil(total / PER_FOLDER);
const exts = ['mp4', 'mov', 'mxf', 'srt', 'jpg', 'csv', 'mkv', 'txt', 'wav', 'ts'];
let made = 0;
for (let f = 0; f < folders && made < total; f++) {
  const dir = join(
    root,
    `series_${String(f % 10).padStart(2, '0')}`,
    `${2000 + (Math.floor(f / 10) % 25)}`,
    `event_${f}`,
  );
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < PER_FOLDER && made < total; i++, made++) {
    const fd = openSync(join(dir, `clip_${i}.${exts[i % exts.length]}`), 'w');
    ftruncateSync(fd, (made % 997) * 1024);
    closeSync(fd);
  }
  if (f % 1000 === 0) process.stdout.write(`\r${made} files`);
}
writeFileSync(marker, '');
console.log(`\r${made} files in ${folders} folders under ${root}`);
