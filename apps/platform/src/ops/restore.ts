import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TesseraError } from '@tessera/kernel';
import pg from 'pg';
import { type BackupManifest, manifestPath, type OpsProgress } from './backup.ts';
import { opsEvents } from './events.ts';
import { runTool, type ToolBinary, toolFor } from './pgtools.ts';
import { compareFingerprints, fingerprint, listTables, type TableDifference } from './verify.ts';

/** The target database already holds tables: a restore would mix or clash with them. */
export class RestoreTargetNotEmptyError extends TesseraError {
  constructor(database: string, tables: readonly string[]) {
    const list = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, … (${tables.length} in all)` : '');
    super(
      'RESTORE_TARGET_NOT_EMPTY',
      `database "${database}" is not empty (it holds ${list}): restore into a new or empty database, or pass ` +
        '--force to drop the schemas the backup contains and replace them',
    );
  }
}

/** Options of {@link restore}. */
export interface RestoreOptions {
  /** Drop the backup's schemas in the target first, even if they hold data. */
  readonly force?: boolean;
  /**
   * Parallel pg_restore jobs. With 1 (the default) the restore runs in a single transaction: a failure
   * leaves the target as it was. More jobs are faster on big databases but a failure can leave a part behind.
   */
  readonly jobs?: number;
  readonly onProgress?: (progress: OpsProgress) => void;
  readonly onInfo?: (line: string) => void;
}

/** What {@link restore} returns. */
export interface RestoreResult {
  readonly database: string;
  readonly created: boolean;
  readonly tables: number;
  readonly ms: number;
  /** Differences from the backup's manifest; empty when every table's rows and checksum match. */
  readonly differences: readonly TableDifference[];
  /** False when the backup had no manifest to compare with. */
  readonly verified: boolean;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the database of `url` when it does not exist (through the server's `postgres` database). */
async function ensureDatabase(url: string): Promise<boolean> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  return withClient(u.toString(), async (admin) => {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
    return true;
  });
}

/** The schemas and the number of table-data entries in a dump, from `pg_restore --list`. */
async function readToc(binary: ToolBinary, file: string): Promise<{ schemas: string[]; dataEntries: number }> {
  const { execFile } = await import('node:child_process');
  const stdout = await new Promise<string>((res, rej) =>
    execFile(binary.path, ['--list', file], { maxBuffer: 64 * 1024 * 1024 }, (error, out) =>
      error ? rej(new TesseraError('BACKUP_UNREADABLE', `${file} is not a readable custom-format dump`)) : res(out),
    ),
  );
  const schemas = new Set<string>();
  let dataEntries = 0;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(';')) continue;
    const schema = /^\d+; \d+ \d+ SCHEMA - (\S+) /.exec(line);
    if (schema?.[1]) schemas.add(schema[1]);
    const table = /^\d+; \d+ \d+ TABLE (\S+) /.exec(line);
    if (table?.[1]) schemas.add(table[1]);
    if (/^\d+; \d+ \d+ TABLE DATA /.test(line)) dataEntries++;
  }
  return { schemas: [...schemas].sort(), dataEntries };
}

/**
 * Restores a custom-format dump into the database at `url`, creating it when missing. A database holding tables
 * is refused unless `force` (then the backup's schemas are dropped first). Afterwards every table's row count
 * and checksum are compared with the manifest written at backup time.
 */
export async function restore(url: string, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const started = performance.now();
  const path = resolve(file);
  if (!existsSync(path)) throw new TesseraError('BACKUP_NOT_FOUND', `backup file ${path} does not exist`);
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const manifest = existsSync(manifestPath(path))
    ? (JSON.parse(await readFile(manifestPath(path), 'utf8')) as BackupManifest)
    : undefined;
  const created = await ensureDatabase(url);
  if (created) options.onInfo?.(`created database "${database}"`);

  const jobs = options.jobs ?? 1;
  const serverMajor = await withClient(url, async (c) =>
    Math.floor(Number((await c.query(`select current_setting('server_version_num') as v`)).rows[0]?.v) / 10_000),
  );
  const pgRestore = await toolFor('pg_restore', serverMajor);
  const toc = await readToc(pgRestore, path);
  const schemas = manifest?.schemas?.length ? [...manifest.schemas] : toc.schemas;

  await withClient(url, async (client) => {
    // A context restore only cares about its own schema; a whole-database restore needs an empty database.
    const present = await listTables(client, manifest?.context ? schemas : undefined);
    if (present.length === 0) return;
    if (!options.force)
      throw new RestoreTargetNotEmptyError(
        database,
        present.map((t) => `${t.schema}.${t.table}`),
      );
    for (const schema of schemas.filter((s) => s !== 'public')) {
      options.onInfo?.(`--force: dropping schema "${schema}"`);
      await client.query(`drop schema if exists ${client.escapeIdentifier(schema)} cascade`);
    }
  });

  const args = ['--verbose', '--no-owner', '--exit-on-error', '--no-password', `--dbname=${database}`];
  args.push(jobs > 1 ? `--jobs=${jobs}` : '--single-transaction');
  if (options.force) args.push('--clean', '--if-exists');
  args.push(path);
  let done = 0;
  await runTool(pgRestore, args, url, (line) => {
    const match = /processing data for table "?([^"]+)"?/.exec(line);
    if (match?.[1]) options.onProgress?.({ done: ++done, total: toc.dataEntries, table: match[1] });
  });

  const restored = await withClient(url, async (client) => {
    // pg_restore copies no planner statistics; without them the first queries on the copy plan badly.
    for (const schema of schemas) {
      for (const t of await listTables(client, [schema])) {
        await client.query(`analyze ${client.escapeIdentifier(t.schema)}.${client.escapeIdentifier(t.table)}`);
      }
    }
    return fingerprint(client, schemas);
  });
  const differences = manifest ? compareFingerprints(manifest.tables, restored) : [];
  const result: RestoreResult = {
    database,
    created,
    tables: restored.length,
    ms: performance.now() - started,
    differences,
    verified: manifest !== undefined,
  };
  await opsEvents.publish(
    {
      type: 'db.restore.completed',
      file: path,
      database,
      context: manifest?.context ?? null,
      tables: restored.length,
      differences: differences.length,
      ms: Math.round(result.ms),
    },
    url,
  );
  return result;
}
