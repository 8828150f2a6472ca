import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { waitForExit } from '@tessera/embedded-pg';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type EmptyDatabase, emptyDatabase, type PgBouncer, startPgBouncer, testPoolerUrl } from '../src/index.ts';
import { exited, lineFrom, query, running, testAdminUrl } from './helpers.ts';

const savedEnv = { ...process.env };
// Restored in place: process.env must stay Node's own, whose writes reach the environment os.tmpdir() reads.
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

/** A private temp folder the `postgres` OS user (the pooler's, when we are root) can reach. */
async function privateTmp(): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'tessera-pgbouncer-test-'));
  await chmod(tmp, 0o755);
  return tmp;
}

/** Runs `work` with TMPDIR (where the pooler makes its folder) set to a private folder; returns what is left in it. */
async function leftInTmp(work: () => Promise<void>): Promise<string[]> {
  const tmp = await privateTmp();
  process.env.TMPDIR = tmp;
  try {
    expect(tmpdir()).toBe(tmp);
    await work();
    return await readdir(tmp);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function connected(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function backendPid(client: Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return Number(rows[0]?.pid);
}

/**
 * Client A's backend pid before and after client B took A's server connection in an open transaction: the same pid
 * means A owns its server connection (session pooling), a different one that A is handed any free one per transaction.
 */
async function pidsAcrossTransactions(bouncer: PgBouncer, database: string): Promise<[number, number]> {
  const a = await connected(bouncer.url(database));
  const b = await connected(bouncer.url(database));
  try {
    const first = await backendPid(a);
    await b.query('BEGIN');
    await backendPid(b);
    const second = await backendPid(a);
    await b.query('ROLLBACK');
    return [first, second];
  } finally {
    await a.end();
    await b.end();
  }
}

describe('startPgBouncer', () => {
  let db: EmptyDatabase;
  let dbName: string;
  beforeAll(async () => {
    db = await emptyDatabase();
    dbName = decodeURIComponent(new URL(db.url).pathname.slice(1));
  });
  afterAll(async () => {
    await db.drop();
  });

  test('forwards any database, refuses startup options, and pools per transaction or per session', async () => {
    const tx = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'transaction', poolSize: 2 });
    const session = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'session', poolSize: 2 });
    try {
      // The wildcard entry reaches a freshly cloned database.
      const [row] = await query<{ d: string }>(tx.url(dbName), 'SELECT current_database() AS d');
      expect(row?.d).toBe(dbName);

      // Like production poolers, a startup `options` parameter is refused, not ignored.
      const withOptions = new Client({ connectionString: tx.url(dbName), options: '-c statement_timeout=0' });
      await expect(withOptions.connect()).rejects.toThrow(/unsupported startup parameter: options/);

      const [txFirst, txSecond] = await pidsAcrossTransactions(tx, dbName);
      expect(txSecond).not.toBe(txFirst);
      const [sessionFirst, sessionSecond] = await pidsAcrossTransactions(session, dbName);
      expect(sessionSecond).toBe(sessionFirst);

      const pools = await query<{ database: string; pool_mode: string }>(tx.adminUrl(), 'SHOW POOLS');
      expect(pools.find((p) => p.database === dbName)?.pool_mode).toBe('transaction');
    } finally {
      await tx.stop();
      await session.stop();
    }
  });

  test('stop ends the pooler by pid and removes its folder', async () => {
    const bouncer = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'session' });
    const config = await query<{ key: string; value: string }>(bouncer.adminUrl(), 'SHOW CONFIG');
    const folder = dirname(config.find((r) => r.key === 'pidfile')?.value ?? '');
    expect(running(bouncer.pid)).toBe(true);
    expect(existsSync(folder)).toBe(true);
    await bouncer.stop();
    expect(running(bouncer.pid)).toBe(false);
    expect(existsSync(folder)).toBe(false);
    await expect(query(bouncer.url(), 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  test("testPoolerUrl points a database's URL at the run's pooler, which forwards to that database", async () => {
    const bouncer = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'transaction' });
    try {
      delete process.env.TESSERA_TEST_POOLER_URL;
      expect(testPoolerUrl(db.url)).toBeUndefined();

      process.env.TESSERA_TEST_POOLER_URL = bouncer.url('postgres');
      const pooled = testPoolerUrl(db.url) ?? '';
      expect(new URL(pooled).port).toBe(new URL(bouncer.url()).port);
      expect(await query(pooled, 'SELECT current_database() AS d')).toEqual([{ d: dbName }]);
      const servers = await query<{ database: string }>(bouncer.adminUrl(), 'SHOW SERVERS');
      expect(servers.map((s) => s.database)).toContain(dbName);
    } finally {
      await bouncer.stop();
    }
  });

  test('a missing binary (TESSERA_PGBOUNCER) is a clear error, and no folder is left behind', async () => {
    const left = await leftInTmp(async () => {
      process.env.TESSERA_PGBOUNCER = '/nonexistent/pgbouncer';
      await expect(startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'transaction' })).rejects.toThrow(
        /^PgBouncer did not start: spawn \/nonexistent\/pgbouncer ENOENT/,
      );
    });
    expect(left).toEqual([]);
  });

  test('a pool mode PgBouncer does not know stops it at start-up, with its own message in the error', async () => {
    const left = await leftInTmp(async () => {
      // What an untyped caller (a config file, an environment variable) could pass.
      const poolMode = 'per-query' as 'transaction';
      await expect(startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode })).rejects.toThrow(
        /^PgBouncer did not start: pgbouncer exited \(1\) during start-up\n[\s\S]*invalid value "per-query" for parameter pool_mode/,
      );
    });
    expect(left).toEqual([]);
  });

  test('a process that exits without stop() takes its pooler with it', async () => {
    const tmp = await privateTmp();
    const fixture = join(import.meta.dirname, 'fixtures', 'pgbouncer-exit.ts');
    const child = spawn(process.execPath, ['--conditions=@tessera/source', fixture, testAdminUrl()], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const started = JSON.parse(await lineFrom(child, (line) => line.startsWith('{'))) as { pid: number; url: string };
      expect(await exited(child)).toBe(0);
      // The child's exit handler sent SIGTERM; PgBouncer is not our child, so its end can only be polled for.
      expect(await waitForExit(started.pid, 10_000)).toBe(true);
      await expect(query(started.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      child.kill('SIGKILL');
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
