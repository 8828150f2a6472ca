import { spawn } from 'node:child_process';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TesseraError } from '@tessera/kernel';
import pg from 'pg';
import { partialSuffix, removeStalePartials } from './backup.ts';
import { eachLine, runTool, type ToolBinary, toolFor } from './pgtools.ts';

/** The written copy of a partition does not hold what the partition held: it is not dropped. */
export class PartitionArchiveError extends TesseraError {
  constructor(partition: string, file: string, problem: string) {
    super('PARTITION_ARCHIVE_INVALID', `the archive of ${partition} (${file}) ${problem}: the partition was kept`);
  }
}

/** What {@link archivePartition} wrote. */
export interface ArchivedPartition {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
}

/** Runs `pg_restore` on `file` with `args` and hands each stdout line to `onLine`. */
function readDump(binary: ToolBinary, args: readonly string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary.path, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    const rest = eachLine(child.stdout, onLine);
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const pending = rest();
      if (pending) onLine(pending);
      if (code === 0) resolvePromise();
      else reject(new TesseraError('PG_TOOL_FAILED', `${binary.path} exited with ${code}: ${errors.trim()}`));
    });
  });
}

/**
 * Writes one partition out with pg_dump (custom format, `<dir>/<schema>.<partition>.dump`) and verifies the
 * written copy before anyone may drop it: `pg_restore --list` must show the table and its data, and the rows in
 * the file must number exactly the rows the partition held in the snapshot that was dumped. Returns that number.
 * The file is written under a hidden temporary name and renamed once verified.
 */
export async function archivePartition(
  url: string,
  partition: { readonly schema: string; readonly name: string },
  dir: string,
): Promise<ArchivedPartition> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  await removeStalePartials(folder);
  const file = join(folder, `${partition.schema}.${partition.name}.dump`);
  const partial = join(folder, `.${partition.schema}.${partition.name}.dump${partialSuffix()}`);
  const label = `${partition.schema}.${partition.name}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const version = (await client.query(`select current_setting('server_version_num') as v`)).rows[0]?.v;
    const major = Math.floor(Number(version) / 10_000);
    const pgDump = await toolFor('pg_dump', major);
    const pgRestore = await toolFor('pg_restore', major);
    // The count and the dump see the same snapshot.
    await client.query('begin isolation level repeatable read read only');
    const snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]?.id;
    const table = `${client.escapeIdentifier(partition.schema)}.${client.escapeIdentifier(partition.name)}`;
    const rows = Number((await client.query<{ n: string }>(`select count(*)::text as n from ${table}`)).rows[0]?.n);
    await runTool(
      pgDump,
      ['--format=custom', `--file=${partial}`, `--snapshot=${snapshot}`, `--table=${table}`, '--no-password'],
      url,
    );
    await client.query('commit');

    // Verify the written copy: its table of contents, then its rows.
    let hasData = false;
    await readDump(pgRestore, ['--list', partial], (line) => {
      if (/^\d+; \d+ \d+ TABLE DATA /.test(line) && line.includes(` ${partition.name} `)) hasData = true;
    });
    if (!hasData) throw new PartitionArchiveError(label, file, 'lists no data for the table');
    let inCopy = false;
    let copied = 0;
    await readDump(pgRestore, ['--data-only', '--file=-', partial], (line) => {
      if (inCopy) {
        if (line === '\\.') inCopy = false;
        else copied++;
      } else if (line.startsWith('COPY ')) inCopy = true;
    });
    if (copied !== rows) throw new PartitionArchiveError(label, file, `holds ${copied} row(s), not ${rows}`);
    await rename(partial, file);
    return { file, rows, bytes: (await stat(file)).size };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}
