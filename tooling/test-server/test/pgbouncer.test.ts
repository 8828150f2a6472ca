import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type EmptyDatabase, emptyDatabase, type PgBouncer, startPgBouncer } from '../src/index.ts';
import { query, running, testAdminUrl } from './helpers.ts';

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
});
