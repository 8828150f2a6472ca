import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real temporary directory tree for scanner tests; `files` maps relative paths to contents. */
export function makeTree(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'nas-scan-'));
  const write = (rel: string, content: string, mtime = new Date('2025-06-01T12:00:00Z')) => {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    utimesSync(path, mtime, mtime);
  };
  for (const [rel, content] of Object.entries(files)) write(rel, content);
  return {
    root,
    write,
    path: (rel: string) => join(root, rel),
    remove: (rel: string) => rmSync(join(root, rel), { recursive: true, force: true }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
