import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TesseraError } from '@tessera/kernel';
import { type BackupManifest, manifestPath, type OpsProgress } from './backup.ts';
import { withClient } from './client.ts';
import { opsEvents } from './events.ts';
import { pausePoint } from './pause.ts';
import { runTool, type ToolBinary, toolFor } from './pgtools.ts';
import {
  absentSchemas,
  BackupManifestMissingError,
  dependenciesOf,
  dropStaleRestores,
  outsideDependents,
  RestoreBreaksDependentsError,
  RestoreDependenciesMissingError,
  restoringMark,
  restoringName,
} from './restore-checks.ts';
import { assertOwnSession } from './session.ts';
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
  /** Restore a backup that has no manifest, without verifying it (refused otherwise). */
  readonly unverified?: boolean;
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

/** `url` with another database name. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
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
 * Restores a custom-format dump into the database at `url`. Everything that can refuse does so before anything
 * is created or changed: a backup without a manifest (unless `unverified`), a context whose dependencies the
 * target lacks, a target that holds tables (unless `force`), and a forced context restore that would drop other
 * contexts' foreign keys or views. A new database is restored under a temporary name and renamed once verified,
 * so a failed or killed restore leaves no half-restored database under the real name (a killed one's temporary
 * database is dropped by the next restore on this machine). Afterwards every table's row count and checksum are
 * compared with the manifest written at backup time.
 */
export async function restore(url: string, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const started = performance.now();
  const path = resolve(file);
  if (!existsSync(path)) throw new TesseraError('BACKUP_NOT_FOUND', `backup file ${path} does not exist`);
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const manifest = existsSync(manifestPath(path))
    ? (JSON.parse(await readFile(manifestPath(path), 'utf8')) as BackupManifest)
    : undefined;
  if (!manifest && !options.unverified) throw new BackupManifestMissingError(path);
  const adminUrl = withDatabase(url, 'postgres');
  await assertOwnSession(adminUrl, 'tessera restore');

  const jobs = options.jobs ?? 1;
  const { serverMajor, exists } = await withClient(adminUrl, async (admin) => {
    for (const name of await dropStaleRestores(admin)) {
      options.onInfo?.(`dropped "${name}", left by a restore that was killed`);
    }
    const version = (await admin.query(`select current_setting('server_version_num') as v`)).rows[0]?.v;
    const found = await admin.query('select 1 from pg_database where datname = $1', [database]);
    return { serverMajor: Math.floor(Number(version) / 10_000), exists: (found.rowCount ?? 0) > 0 };
  });
  const pgRestore = await toolFor('pg_restore', serverMajor);
  const toc = await readToc(pgRestore, path);
  const schemas = manifest?.schemas?.length ? [...manifest.schemas] : toc.schemas;
  // The contexts this backup needs but does not hold must be in the target already.
  const needed = [...new Set(schemas.flatMap(dependenciesOf))].filter((d) => !schemas.includes(d));
  const context = manifest?.context ?? schemas.join(', ');
  if (needed.length > 0) {
    const missing = exists ? await withClient(url, (c) => absentSchemas(c, needed)) : needed;
    if (missing.length > 0) throw new RestoreDependenciesMissingError(context, database, missing);
  }

  if (exists) {
    await withClient(url, async (client) => {
      // A context restore only cares about its own schema; a whole-database restore needs an empty database.
      const present = await listTables(client, manifest?.context ? schemas : undefined);
      if (present.length === 0) return;
      if (!options.force) {
        throw new RestoreTargetNotEmptyError(
          database,
          present.map((t) => `${t.schema}.${t.table}`),
        );
      }
      const dependents = await outsideDependents(client, schemas);
      if (dependents.length > 0) throw new RestoreBreaksDependentsError(database, schemas, dependents);
    });
  }

  // A new database is restored under a temporary name, marked with this process, and renamed once verified.
  const workName = exists ? database : restoringName();
  const workUrl = withDatabase(url, workName);
  if (!exists) {
    await withClient(adminUrl, async (admin) => {
      await admin.query(`create database ${admin.escapeIdentifier(workName)}`);
      const mark = JSON.stringify(restoringMark(database));
      await admin.query(`comment on database ${admin.escapeIdentifier(workName)} is ${admin.escapeLiteral(mark)}`);
    });
    options.onInfo?.(`created database "${database}" (restored as "${workName}" until verified)`);
  }
  try {
    if (exists && options.force) {
      await withClient(url, async (client) => {
        for (const schema of schemas.filter((s) => s !== 'public')) {
          options.onInfo?.(`--force: dropping schema "${schema}"`);
          await client.query(`drop schema if exists ${client.escapeIdentifier(schema)} cascade`);
        }
      });
    }
    const args = ['--verbose', '--no-owner', '--exit-on-error', '--no-password', `--dbname=${workName}`];
    args.push(jobs > 1 ? `--jobs=${jobs}` : '--single-transaction');
    if (options.force) args.push('--clean', '--if-exists');
    args.push(path);
    let done = 0;
    await runTool(pgRestore, args, workUrl, (line) => {
      const match = /processing data for table "?([^"]+)"?/.exec(line);
      if (match?.[1]) options.onProgress?.({ done: ++done, total: toc.dataEntries, table: match[1] });
    });
    await pausePoint('restore-loaded');

    const restored = await withClient(workUrl, async (client) => {
      // pg_restore copies no planner statistics; without them the first queries on the copy plan badly.
      for (const schema of schemas) {
        for (const t of await listTables(client, [schema])) {
          await client.query(`analyze ${client.escapeIdentifier(t.schema)}.${client.escapeIdentifier(t.table)}`);
        }
      }
      await client.query('begin isolation level repeatable read read only');
      try {
        return await fingerprint(client, schemas);
      } finally {
        await client.query('commit');
      }
    });
    if (!exists) {
      await withClient(adminUrl, async (admin) => {
        await admin.query(
          `alter database ${admin.escapeIdentifier(workName)} rename to ${admin.escapeIdentifier(database)}`,
        );
        await admin.query(`comment on database ${admin.escapeIdentifier(database)} is null`);
      });
    }
    const differences = manifest ? compareFingerprints(manifest.tables, restored) : [];
    const result: RestoreResult = {
      database,
      created: !exists,
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
  } catch (error) {
    if (!exists) {
      await withClient(adminUrl, (admin) =>
        admin.query(`drop database if exists ${admin.escapeIdentifier(workName)} with (force)`),
      ).catch(() => {});
    }
    throw error;
  }
}
