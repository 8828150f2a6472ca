/**
 * bench:backup — `tessera backup` and `tessera restore` on a database of at least 1 GB against the targets
 * (backup < 5 min, restore < 10 min), with plain pg_dump/pg_restore on the same dump as the baseline, measured in
 * the same run. BENCH_DATABASE_URL names the server (default: the local PostgreSQL on 127.0.0.1:5432); scratch
 * databases are created there and dropped afterwards. BENCH_GB sets the size (default 1.1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationEngine } from '@tessera/migrator';
import { loadLine, machineLine } from '@tessera/test-server';
import pg from 'pg';
import { platform } from '../src/composition.ts';
import { backup, formatBytes } from '../src/ops/backup.ts';
import { libpqEnv, toolFor } from '../src/ops/pgtools.ts';
import { restore } from '../src/ops/restore.ts';

const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const gigabytes = Number(process.env.BENCH_GB ?? 1.1);
const at = (name: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
};
const names = { source: 'tessera_bench_src', restored: 'tessera_bench_dst', raw: 'tessera_bench_raw' };

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}
const dropAll = async () => {
  for (const n of Object.values(names)) await sql(serverUrl, `drop database if exists ${n} with (force)`);
};

const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-backup-'));
await dropAll();
try {
  await sql(serverUrl, `create database ${names.source}`);
  const engine = await MigrationEngine.create({ composition: platform, url: at(names.source) });
  await engine.up();
  await engine.close();
  // Bulk data in a context table: audit.events rows of ~360 bytes each, plus its indexes.
  const rows = Math.round((gigabytes * 1024 ** 3) / 430);
  const t0 = performance.now();
  await sql(
    at(names.source),
    `insert into audit.events (aggregate_type, aggregate_id, type, payload, occurred_at)
     select 'workflow', 'wf-' || (g % 50000), 'execution.completed',
            jsonb_build_object('run', g, 'status', 'ok', 'note', md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text),
                               'steps', jsonb_build_array(md5((g * 3)::text), md5((g * 5)::text))),
            now() - (g || ' seconds')::interval
       from generate_series(1, ${rows}) g`,
  );
  await sql(at(names.source), 'vacuum analyze audit.events');
  const size = Number((await sql(at(names.source), 'select pg_database_size(current_database()) as s')).rows[0]?.s);
  const version = String((await sql(serverUrl, 'select version() as v')).rows[0]?.v);
  console.log(version);
  console.log(`machine:  ${machineLine()}`);
  console.log(
    `database: ${formatBytes(size)} (${rows} rows in audit.events), generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );

  const file = join(dir, 'bench.dump');
  let start = performance.now();
  const b = await backup(at(names.source), { file });
  const backupS = (performance.now() - start) / 1000;

  start = performance.now();
  const r = await restore(at(names.restored), file, { jobs: 1 });
  const restoreS = (performance.now() - start) / 1000;

  // Baseline: pg_dump and pg_restore alone (no manifest, no verification, no analyze).
  const major = Math.floor(Number((await sql(serverUrl, 'show server_version_num')).rows[0]?.server_version_num) / 1e4);
  const dump = await toolFor('pg_dump', major);
  const rest = await toolFor('pg_restore', major);
  const raw = join(dir, 'raw.dump');
  const src = await libpqEnv(at(names.source));
  start = performance.now();
  execFileSync(dump.path, ['--format=custom', `--file=${raw}`], { env: src.env });
  const rawDumpS = (performance.now() - start) / 1000;
  await src.cleanup();
  await sql(serverUrl, `create database ${names.raw}`);
  const dst = await libpqEnv(at(names.raw));
  start = performance.now();
  execFileSync(rest.path, ['--no-owner', '--single-transaction', `--dbname=${names.raw}`, raw], { env: dst.env });
  const rawRestoreS = (performance.now() - start) / 1000;
  await dst.cleanup();

  console.log(`load average: ${loadLine()}`);
  console.log(
    `dump file: ${formatBytes(b.bytes)}; restore verified ${r.tables} tables, ${r.differences.length} difference(s)`,
  );
  console.log('');
  console.log('measurement                         seconds   baseline (pg_dump/pg_restore alone)   ratio   target');
  const line = (label: string, s: number, base: number, target: number) =>
    console.log(
      `${label.padEnd(34)} ${s.toFixed(1).padStart(7)}   ${base.toFixed(1).padStart(7)} s${' '.repeat(29)}${(s / base).toFixed(2).padStart(5)}x   < ${target} s: ${s < target ? 'MET' : 'NOT MET'}`,
    );
  line('tessera backup (snapshot+manifest)', backupS, rawDumpS, 300);
  line('tessera restore (+analyze+verify)', restoreS, rawRestoreS, 600);
  const dumped = (await stat(file)).size;
  if (dumped !== b.bytes) throw new Error('dump size changed');
} finally {
  await dropAll();
  await rm(dir, { recursive: true, force: true });
}
