import { type Dir, type Dirent, opendirSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { escapeInvalidName, isValidUtf8, looksEscaped } from './names.ts';

/** A folder found by {@link walk}; always yielded before anything inside it. */
export interface WalkedFolder {
  readonly type: 'folder';
  readonly path: string;
  /** The parent's path; for the scan root, the directory above it (which may or may not be in the inventory). */
  readonly parentPath: string;
  readonly name: string;
  /** 0 for `/`, 1 for `/nas`, and so on: the depth on the disk, not below the scan root. */
  readonly depth: number;
  /** The path's exact bytes when some name on it is not valid UTF-8 (`path` then shows them escaped). */
  readonly rawPath?: Buffer;
}

/** A regular file found by {@link walk}. */
export interface WalkedFile {
  readonly type: 'file';
  readonly path: string;
  readonly folderPath: string;
  readonly name: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** The path's exact bytes when some name on it is not valid UTF-8 (`path` then shows them escaped). */
  readonly rawPath?: Buffer;
}

/** A symbolic link, FIFO, socket or device: not followed and not recorded, only counted. */
export interface WalkSkipped {
  readonly type: 'skipped';
  readonly path: string;
  readonly what: 'symlink' | 'fifo' | 'socket' | 'device';
}

/** Something {@link walk} could not read (a directory without permission, a file removed mid-walk). */
export interface WalkProblem {
  readonly type: 'problem';
  readonly path: string;
  readonly message: string;
}

/** One item of a walk. */
export type WalkEntry = WalkedFolder | WalkedFile | WalkProblem | WalkSkipped;

// Files are stat'ed synchronously in chunks of this many (3.4x faster here than promise-based stats through
// libuv's thread pool), and the walk yields to the event loop after each chunk, so a database client on the
// same loop keeps streaming while the walk goes on.
const STAT_CHUNK = 256;

// Plain concatenation: `path.join` normalises every path it builds, a cost paid per file for nothing here.
function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function depthOf(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

/** A directory still to visit: its stored path, and its exact bytes when they are not valid UTF-8. */
interface PendingDir {
  readonly path: string;
  readonly raw?: Buffer;
}

/** A listed name: its stored text and, when it is not valid UTF-8, its bytes. */
interface Name {
  readonly text: string;
  readonly raw?: Buffer;
}

const SLASH = Buffer.from('/');

function skippedKind(entry: Dirent<Buffer>): WalkSkipped['what'] | undefined {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFIFO()) return 'fifo';
  if (entry.isSocket()) return 'socket';
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'device';
  return undefined;
}

/**
 * Walks a directory tree depth-first with bounded memory: directories are read as streams
 * (`opendir`, a buffer of 512 entries at a time), only the paths of directories still to visit are kept, and
 * symbolic links are not followed (so a link cannot loop the walk or pull another tree in); links, FIFOs,
 * sockets and devices are yielded as `skipped`. Names are read as bytes, so a name that is not valid UTF-8 is
 * walked and reported exactly (see `names.ts`). `root` must be absolute. Entries come in chunks (a folder
 * always before its contents) to keep the per-entry cost of async iteration low.
 */
export async function* walk(root: string): AsyncGenerator<WalkEntry[]> {
  const pending: PendingDir[] = [{ path: root }];
  while (pending.length > 0) {
    const dir = pending.pop() as PendingDir;
    yield [
      {
        type: 'folder',
        path: dir.path,
        parentPath: dirname(dir.path),
        name: basename(dir.path) || dir.path,
        depth: depthOf(dir.path),
        ...(dir.raw ? { rawPath: dir.raw } : {}),
      },
    ];
    let handle: Dir;
    try {
      // Names as bytes: a name that is not valid UTF-8 must not be decoded lossily. (The typings omit 'buffer'.)
      handle = opendirSync(dir.raw ?? dir.path, { bufferSize: 512, encoding: 'buffer' as BufferEncoding });
    } catch (error) {
      yield [{ type: 'problem', path: dir.path, message: (error as Error).message }];
      continue;
    }
    let names: Name[] = [];
    const subdirs: PendingDir[] = [];
    const skipped: WalkSkipped[] = [];
    // Only names holding `\xHH` can collide with an escaped invalid name; both kinds are remembered.
    const escapedLike = new Set<string>();
    const invalid: Name[] = [];
    try {
      // readSync() returns one entry from a buffer filled 512 at a time: streaming, without a promise per entry.
      for (let e = handle.readSync(); e !== null; e = handle.readSync()) {
        const entry = e as unknown as Dirent<Buffer>;
        const name = nameOf(entry.name);
        if (!name.raw && looksEscaped(name.text)) escapedLike.add(name.text);
        if (entry.isDirectory()) subdirs.push(childDir(dir, name));
        else if (entry.isFile()) {
          // A file whose name is not valid UTF-8 waits for the whole listing: it must not collide with a sibling.
          if (name.raw) {
            invalid.push(name);
            continue;
          }
          names.push(name);
          if (names.length >= STAT_CHUNK) {
            yield statAll(dir, names);
            names = [];
            await nextTurn();
          }
        } else {
          const what = skippedKind(entry);
          if (what) skipped.push({ type: 'skipped', path: childPath(dir.path, name.text), what });
        }
      }
    } catch (error) {
      yield [{ type: 'problem', path: dir.path, message: (error as Error).message }];
    } finally {
      handle.closeSync();
    }
    const collisions = invalid.filter((n) => escapedLike.has(n.text));
    names.push(...invalid.filter((n) => !escapedLike.has(n.text)));
    if (names.length > 0) yield statAll(dir, names);
    if (collisions.length > 0 || skipped.length > 0) {
      yield [
        ...skipped,
        ...collisions.map(
          (n): WalkProblem => ({
            type: 'problem',
            path: childPath(dir.path, n.text),
            message: 'a name that is not valid UTF-8 escapes to the name of a sibling; only the sibling is recorded',
          }),
        ),
      ];
    }
    await nextTurn();
    // Reverse, so popping visits subdirectories in the order the directory listed them.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i] as PendingDir);
  }
}

function nameOf(bytes: Buffer): Name {
  const text = bytes.toString('utf8');
  // Fast path: no replacement character means the bytes decoded cleanly.
  if (!text.includes('\uFFFD') || isValidUtf8(bytes)) return { text };
  return { text: escapeInvalidName(bytes), raw: bytes };
}

function childDir(dir: PendingDir, name: Name): PendingDir {
  const path = childPath(dir.path, name.text);
  if (!dir.raw && !name.raw) return { path };
  return { path, raw: rawChild(dir, name) };
}

function rawChild(dir: PendingDir, name: Name): Buffer {
  const parent = dir.raw ?? Buffer.from(dir.path);
  const bytes = name.raw ?? Buffer.from(name.text);
  return dir.path === '/' ? Buffer.concat([SLASH, bytes]) : Buffer.concat([parent, SLASH, bytes]);
}

function statAll(dir: PendingDir, names: readonly Name[]): WalkEntry[] {
  const entries: WalkEntry[] = [];
  for (const name of names) {
    const path = childPath(dir.path, name.text);
    const raw = dir.raw || name.raw ? rawChild(dir, name) : undefined;
    try {
      // A file removed between the listing and the stat is simply not there any more.
      const info = statSync(raw ?? path, { throwIfNoEntry: false });
      if (info?.isFile()) {
        entries.push({
          type: 'file',
          path,
          folderPath: dir.path,
          name: name.text,
          size: info.size,
          mtimeMs: info.mtimeMs,
          ...(raw ? { rawPath: raw } : {}),
        });
      }
    } catch (error) {
      entries.push({ type: 'problem', path, message: (error as Error).message });
    }
  }
  return entries;
}
