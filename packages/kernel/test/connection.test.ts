import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  composeContexts,
  connectionOptions,
  connectionSettings,
  connectOrm,
  DatabaseConnectionError,
  DatabaseUnavailableError,
  DEFAULT_CONNECTION_SETTINGS,
  InvalidSettingError,
  redactSql,
  waitForDatabase,
} from '../src/index.ts';
import { kernelTest, useKernelDatabase } from './support/database.ts';

const db = useKernelDatabase();

/** A local port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connectionSettings', () => {
  it('uses the defaults when nothing is set, and reads each variable over them', () => {
    expect(connectionSettings({})).toEqual(DEFAULT_CONNECTION_SETTINGS);
    expect(connectionSettings({ TESSERA_DB_POOL_SIZE: ' 4 ', TESSERA_SLOW_QUERY_MS: '0' })).toEqual({
      ...DEFAULT_CONNECTION_SETTINGS,
      poolSize: 4,
      slowQueryMs: 0,
    });
  });

  it.each([
    ['TESSERA_DB_POOL_SIZE', '0', 'must be a positive integer'],
    ['TESSERA_DB_CONNECT_ATTEMPTS', '-1', 'must be a positive integer'],
    ['TESSERA_DB_MAX_OVERFLOW', 'many', 'must be a non-negative integer'],
    ['TESSERA_SLOW_QUERY_MS', '2.5', 'must be a non-negative integer'],
  ])('refuses %s=%s with a typed error naming the variable', (variable, value, problem) => {
    let error: unknown;
    try {
      connectionSettings({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect(error).toMatchObject({ code: 'INVALID_SETTING', variable });
    expect((error as Error).message).toBe(`${variable} ${problem} (got "${value}")`);
  });
});

describe('redactSql', () => {
  it.each([
    [`select * from users where email = 'ann@example.com'`, 'select * from users where email = ?'],
    [`select $$secret$$, $t$also$t$, 'it''s'`, 'select ?, ?, ?'],
    [`select 42, -1.5e3 from t2 where "col1" = 7`, 'select ?, ? from t2 where "col1" = ?'],
    ['select\n  1', 'select ?'],
    [`select E'x\\'secret' from t`, 'select ? from t'],
    [`select e'a\\\\', 'secret' from t`, 'select ?, ? from t'],
    [`select 'a\\', 'b'`, 'select ?, ?'],
    [`insert into t values ('unclosed secret`, 'insert into t values (?'],
  ])('%s becomes %s', (sql, logged) => {
    expect(redactSql(sql)).toBe(logged);
  });

  it('cuts long SQL', () => {
    expect(redactSql(`select ${'x, '.repeat(200)}y`, 20)).toBe('select x, x, x, x, x…');
  });
});

describe('the slow-query log', () => {
  it('writes one line per slow query with redacted SQL, marks failures, and never writes parameter values', async () => {
    const lines: string[] = [];
    const options = connectionOptions({ ...DEFAULT_CONNECTION_SETTINGS, poolSize: 1, slowQueryMs: 0 }, (line) =>
      lines.push(line),
    );
    const orm = await connectOrm(composeContexts([kernelTest]), db.url, { overrides: options });
    try {
      await orm.em.fork().execute(`select count(*) from kt.teams where name = ? or name = 'Inline secret'`, ['Bound']);
      await expect(orm.em.fork().execute(`select * from kt.no_such_table where id = 7`)).rejects.toThrow();
    } finally {
      await orm.close(true);
    }
    const logged = lines.join('\n');
    expect(logged).not.toMatch(/secret|Bound/);
    expect(lines.find((l) => l.includes('kt.teams'))).toMatch(
      /^\[tessera\] slow query \d+ ms: select count\(\*\) from kt\.teams where name = \? or name = \?$/,
    );
    expect(lines.find((l) => l.includes('no_such_table'))).toMatch(
      /^\[tessera\] slow query \(failed\) \d+ ms: select \* from kt\.no_such_table where id = \?$/,
    );
  });
});

describe('waitForDatabase and connectOrm', () => {
  it('returns the server version once the server answers', async () => {
    expect(await waitForDatabase(db.url)).toMatch(/^\d+(\.\d+)?/);
  });

  it('retries a refused connection a bounded number of times, then names the URL without its password', async () => {
    const url = `postgresql://app:s3cret@127.0.0.1:${await closedPort()}/app`;
    const retries: number[] = [];
    const settings = { ...DEFAULT_CONNECTION_SETTINGS, connectAttempts: 3, connectBackoffMs: 1 };
    const error = await waitForDatabase(url, settings, (attempt) => retries.push(attempt), {
      variable: 'DATABASE_URL',
    }).catch((caught: unknown) => caught);
    expect(retries).toEqual([1, 2]);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', kind: 'refused' });
    expect((error as Error).message).toMatch(
      /^cannot connect to DATABASE_URL \(postgresql:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/app\): connection refused: .* \(the database did not answer after 3 attempt\(s\)\)$/,
    );
  });

  it('does not retry what waiting cannot fix: a database that does not exist', async () => {
    const url = new URL(db.url);
    url.pathname = '/tessera_no_such_database';
    const retries: number[] = [];
    const error = await connectOrm(composeContexts([kernelTest]), url.toString(), {
      onRetry: (attempt) => retries.push(attempt),
    }).catch((caught: unknown) => caught);
    expect(retries).toEqual([]);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error).toMatchObject({ code: 'UNKNOWN_DATABASE', kind: 'unknown-database' });
    expect((error as Error).message).toMatch(/database "tessera_no_such_database" does not exist/);
  });
});
