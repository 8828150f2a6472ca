import { createHash } from 'node:crypto';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { isAlive } from '@tessera/embedded-pg';
import { TesseraError } from '@tessera/kernel';
import pg from 'pg';
import { platform } from '../composition.ts';
import { opsEvents } from './events.ts';
import { pausePoint } from './pause.ts';
import { runTool, toolFor } from './pgtools.ts';
import { assertOwnSession } from './session.ts';
import { fingerprint, type TableFingerprint } from './verify.ts';

/** What a backup's manifest (written next to the dump as `<file>.manifest.json`) records. */
export interface BackupManifest {
  readonly format: 'tessera-backup/1';
  readonly createdAt: string;
  readonly database: string;
  readonly serverVersion: string;
  readonly context: string | null;
  readonly schemas: readonly string[];
  /** Fingerprints taken in the same snapshot pg_dump dumped, so a restore can be verified exactly. */
  readonly tables: readonly TableFingerprint[];
}

/** Progress of a backup or restore: one step per table's data. */
export interface OpsProgress {
  readonly done: number;
  readonly total: number;
  readonly table: string;
}

/** What {@link backup} returns. */
export interface BackupResult {
  readonly file: string;
  readonly manifestFile: string;
  readonly bytes: number;
  readonly ms: number;
  readonly tables: number;
  readonly rows: number;
}

/** Options of {@link backup}. */
export interface BackupOptions {
  /** The dump file; default `tessera-<database>-<context|all>-<timestamp>.dump` in the current folder. */
  readonly file?: string;
  /** One context (its schema) instead of the whole database. */
  readonly context?: string;
  readonly onProgress?: (progress: OpsProgress) => void;
}

/** A `--context` that is not one of the composed contexts. */
export class UnknownContextError extends TesseraError {
  constructor(context: string) {
    super('UNKNOWN_CONTEXT', `context "${context}" is not one of ${platform.schemas.join(', ')}`);
  }
}

/** The path of the manifest written for `file`. */
export const manifestPath = (file: string) => `${file}.manifest.json`;

/** The suffix of a partial file: this machine (a hash of its name, for shared folders) and this process. */
export const partialSuffix = () => `.tessera-partial-${hostTag()}-${process.pid}`;

function hostTag(): string {
  return createHash('sha1').update(hostname()).digest('hex').slice(0, 8);
}

/** The name a file is written under until it is complete: hidden, and marked with its writer (machine, process). */
const partialPath = (file: string) => join(dirname(file), `.${basename(file)}${partialSuffix()}`);

/**
 * Removes what killed backups on this machine left in `dir`: partial files whose writer is no longer alive. (A backup that is
 * killed leaves its partial file, which pg_dump may even go on writing; the next backup into the folder removes it.)
 */
export async function removeStalePartials(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = /^\..+\.tessera-partial-([0-9a-f]{8})-(\d+)$/.exec(name);
    // Only this machine's: a process id means nothing on another machine sharing the folder.
    if (match && match[1] === hostTag() && !isAlive(Number(match[2]))) {
      await rm(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

const timestamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * Dumps the database at `url` (or one context's schema) with pg_dump in the custom format. Row counts and
 * checksums are taken in the very snapshot pg_dump dumps (exported and shared), so the manifest describes
 * exactly what the file holds. The dump and its manifest are written to hidden temporary names and renamed
 * when complete (the dump first: a dump without a manifest is refused by restore): a failed backup leaves no file
 * behind, and partial files of a killed one are removed by the next backup into the same folder. The connection
 * must be a session of its own (not a transaction pooler): the dump shares its snapshot.
 */
export async function backup(url: string, options: BackupOptions = {}): Promise<BackupResult> {
  if (options.context !== undefined && !platform.schemas.includes(options.context)) {
    throw new UnknownContextError(options.context);
  }
  const started = performance.now();
  await assertOwnSession(url, 'tessera backup');
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const file = resolve(options.file ?? `tessera-${database}-${options.context ?? 'all'}-${timestamp()}.dump`);
  await removeStalePartials(dirname(file));
  const partial = partialPath(file);
  const partialManifest = partialPath(manifestPath(file));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ num: string; version: string }>(
      `select current_setting('server_version_num') as num, current_setting('server_version') as version`,
    );
    const serverVersion = String(rows[0]?.version);
    const pgDump = await toolFor('pg_dump', Math.floor(Number(rows[0]?.num) / 10_000));

    await client.query('begin isolation level repeatable read read only');
    const snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]?.id;
    const schemas = options.context ? [options.context] : undefined;
    const tables = await fingerprint(client, schemas);

    const args = ['--format=custom', `--file=${partial}`, `--snapshot=${snapshot}`, '--verbose', '--no-password'];
    if (options.context) args.push(`--schema=${options.context}`);
    // pg_dump reports one line per table holding data (partitions, not their parents).
    const leaves = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname = any($1)`,
      [[...new Set(tables.map((t) => t.schema))]],
    );
    const total = leaves.rows[0]?.n ?? tables.length;
    let done = 0;
    await runTool(pgDump, args, url, (line) => {
      const match = /dumping contents of table "?([^"]+)"?/.exec(line);
      if (match?.[1]) options.onProgress?.({ done: ++done, total: Math.max(total, done), table: match[1] });
    });
    await client.query('commit');

    const manifest: BackupManifest = {
      format: 'tessera-backup/1',
      createdAt: new Date().toISOString(),
      database,
      serverVersion,
      context: options.context ?? null,
      schemas: schemas ?? [...new Set(tables.map((t) => t.schema))],
      tables,
    };
    await writeFile(partialManifest, `${JSON.stringify(manifest, null, 2)}\n`);
    await pausePoint('backup-written');
    await rename(partial, file);
    await rename(partialManifest, manifestPath(file));
    const bytes = (await stat(file)).size;
    const result: BackupResult = {
      file,
      manifestFile: manifestPath(file),
      bytes,
      ms: performance.now() - started,
      tables: tables.length,
      rows: tables.reduce((sum, t) => sum + t.rows, 0),
    };
    await opsEvents.publish(
      {
        type: 'db.backup.completed',
        file,
        context: manifest.context,
        bytes,
        tables: result.tables,
        ms: Math.round(result.ms),
      },
      url,
    );
    return result;
  } catch (error) {
    await rm(partial, { force: true });
    await rm(partialManifest, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `bytes` as a short human-readable size. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
