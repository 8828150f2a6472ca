import { createServer, type Server } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { User } from '@tessera/identity';
import {
  connectionOptions,
  connectionSettings,
  createOrm,
  DatabaseUnavailableError,
  DEFAULT_CONNECTION_SETTINGS,
  InvalidSettingError,
  ormOptions,
  redactSql,
  waitForDatabase,
} from '@tessera/kernel';
import { tcpProxy } from '@tessera/test-server';
import { useTestDatabase } from '@tessera/testing';
import type pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { platform } from '../src/composition.ts';

const db = useTestDatabase(...platform.contexts);

async function withOrm<T>(
  settings: Partial<typeof DEFAULT_CONNECTION_SETTINGS>,
  fn: (orm: MikroORM, lines: string[]) => Promise<T>,
): Promise<T> {
  const lines: string[] = [];
  const options = connectionOptions({ ...DEFAULT_CONNECTION_SETTINGS, ...settings }, (line) => lines.push(line));
  const orm = await createOrm(db.composition, db.url, options);
  try {
    return await fn(orm, lines);
  } finally {
    await orm.close(true);
  }
}

describe('connection settings', () => {
  it("defaults to the seeds' pool (10 + 20 overflow) and a 500 ms slow-query threshold", () => {
    expect(connectionSettings({})).toEqual(DEFAULT_CONNECTION_SETTINGS);
    const options = ormOptions(platform, 'postgresql://localhost/x');
    expect(options.pool).toEqual({ min: 10, max: 30, idleTimeoutMillis: 10_000 });
    expect(options.slowQueryThreshold).toBe(500);
    expect(options.driverOptions).toMatchObject({ keepAlive: true, maxLifetimeSeconds: 1800 });
  });

  it('reads overrides from the environment and names a bad variable', () => {
    expect(connectionSettings({ TESSERA_DB_POOL_SIZE: '4', TESSERA_SLOW_QUERY_MS: '0' })).toMatchObject({
      poolSize: 4,
      slowQueryMs: 0,
    });
    expect(() => connectionSettings({ TESSERA_DB_MAX_OVERFLOW: 'lots' })).toThrow(InvalidSettingError);
    expect(() => connectionSettings({ TESSERA_DB_POOL_SIZE: '0' })).toThrow(
      'TESSERA_DB_POOL_SIZE must be a positive integer (got "0")',
    );
  });

  it('opens at most pool size + overflow connections, and closes the overflow once idle', async () => {
    await withOrm({ poolSize: 2, maxOverflow: 1, idleTimeoutMs: 50 }, async (orm) => {
      const pool = (await orm.em.getConnection().getNativeClient()) as pg.Pool;
      await Promise.all(Array.from({ length: 6 }, () => orm.em.getConnection().execute('select pg_sleep(0.05)')));
      expect(pool.totalCount).toBe(3);
      await vi.waitFor(() => expect(pool.totalCount).toBe(2), { timeout: 5_000 });
    });
  });
});

describe('slow-query logging', () => {
  it('logs a query over the threshold with its SQL, and never its parameter values', async () => {
    await withOrm({ slowQueryMs: 100 }, async (orm, lines) => {
      await orm.em.getConnection().execute('select pg_sleep(0.3), ? as secret', ['hunter2-secret']);
      await orm.em.getConnection().execute('select 1');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\[tessera\] slow query \d+ ms: select pg_sleep\(\?\), \? as secret$/);
      expect(lines.join('\n')).not.toContain('hunter2');
    });
  });

  it('logs ORM queries without the values they filter on (threshold 0 logs every query)', async () => {
    await withOrm({ slowQueryMs: 0 }, async (orm, lines) => {
      await orm.em.fork().find(User, { email: 'private.person@example.com', accessLevel: 3 });
      const line = lines.find((l) => l.includes('"identity"."users"'));
      expect(line).toBeDefined();
      expect(lines.join('\n')).not.toContain('private.person');
    });
  });

  it('redacts inlined literals and truncates long SQL', () => {
    expect(redactSql(`select * from t where a = 'x''y' and b = 42 and c = $q$secret$q$ and "col2" = E'\\n'`)).toBe(
      'select * from t where a = ? and b = ? and c = ? and "col2" = ?',
    );
    const long = redactSql(`select ${'a, '.repeat(400)}b from t`);
    expect(long).toHaveLength(301);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('waiting for the server at start', () => {
  const settings = { ...DEFAULT_CONNECTION_SETTINGS, connectAttempts: 4, connectBackoffMs: 20 };

  function listen(server: Server, port = 0): Promise<number> {
    return new Promise((resolve) =>
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
  }

  it('retries with doubling backoff and connects once the server is up', async () => {
    // A port that refuses connections until, after the first failure, a proxy to the real server opens on it.
    const proxy = tcpProxy(db.url);
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const url = new URL(db.url);
    url.port = String(port);
    const waits: number[] = [];
    try {
      const version = await waitForDatabase(url.toString(), settings, (_attempt, wait) => {
        waits.push(wait);
        if (waits.length === 2) void listen(proxy, port);
      });
      expect(version).toMatch(/^\d+/);
      expect(waits.slice(0, 2)).toEqual([20, 40]);
    } finally {
      proxy.close();
    }
  });

  it('gives up after the bounded attempts with a typed error', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const onRetry = vi.fn();
    const error = await waitForDatabase(`postgresql://postgres@127.0.0.1:${port}/x`, settings, onRetry).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toContain('did not answer after 4 attempt(s)');
    expect(onRetry.mock.calls.map((c) => c[1])).toEqual([20, 40, 80]);
  });

  it('does not retry what waiting cannot fix (a missing database)', async () => {
    const url = new URL(db.url);
    url.pathname = '/tessera_no_such_database';
    const onRetry = vi.fn();
    await expect(waitForDatabase(url.toString(), settings, onRetry)).rejects.toThrow('tessera_no_such_database');
    expect(onRetry).not.toHaveBeenCalled();
  });
});
