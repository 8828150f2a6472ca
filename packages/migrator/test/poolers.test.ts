import { composeContexts } from '@tessera/kernel';
import { type PgBouncer, startPgBouncer, testAdminUrl } from '@tessera/test-server';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertSessionUrl, MigrationEngine, MigrationTransactionPoolerError } from '../src/index.ts';
import { ALPHA_1, alphaBeta, BETA_1 } from './fixtures/contexts.ts';
import { emptyDatabase, expectRaceAppliedOnce, journal } from './fixtures/db.ts';
import { startEngine } from './fixtures/spawn.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
let dbName: string;
let transactionPool: PgBouncer;
let sessionPool: PgBouncer;
beforeAll(async () => {
  // One server connection each: whatever a run leaves on it, the next client of the pool meets.
  transactionPool = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'transaction', poolSize: 1 });
  sessionPool = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'session', poolSize: 1 });
});
afterAll(async () => {
  await transactionPool?.stop();
  await sessionPool?.stop();
});
beforeEach(async () => {
  db = await emptyDatabase();
  dbName = decodeURIComponent(new URL(db.url).pathname.slice(1));
});
afterEach(async () => {
  await db.drop();
});

async function run<T>(url: string, fn: (e: MigrationEngine) => Promise<T>): Promise<T> {
  const engine = await MigrationEngine.create({ composition: composeContexts([alphaBeta().beta]), url });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Settings and advisory locks as the next client of a pool finds its server connection. */
async function whatThePoolLeft(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select current_setting('lock_timeout') as lock_timeout,
              current_setting('statement_timeout') as statement_timeout,
              current_setting('client_connection_check_interval') as check_interval,
              (select count(*)::int from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()) as advisory_locks`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

const clean = { lock_timeout: '0', statement_timeout: '0', check_interval: '0', advisory_locks: 0 };

describe('poolers', () => {
  it('through a transaction pooler: status works, migrate is refused by name, nothing is left behind', async () => {
    const url = transactionPool.url(dbName);
    const [alpha] = await run(url, (e) => e.status());
    expect(alpha?.pending).toEqual([ALPHA_1]);

    const error = await run(url, (e) => e.up()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationTransactionPoolerError);
    expect(error).toMatchObject({ code: 'MIGRATION_TRANSACTION_POOLER' });
    expect((error as Error).message).toContain('Set TESSERA_MIGRATION_URL to a direct or session-mode URL');
    expect((await db.query(`select to_regclass('tessera.migrations') is null as ok`))[0]?.ok).toBe(true);
    expect(await whatThePoolLeft(url)).toEqual(clean);
  });

  it('assertSessionUrl, on a connection of its own: refuses a transaction pooler, accepts a session pooler and a direct URL', async () => {
    const error = await assertSessionUrl(transactionPool.url(dbName)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationTransactionPoolerError);
    await expect(assertSessionUrl(sessionPool.url(dbName))).resolves.toBeUndefined();
    await expect(assertSessionUrl(db.url)).resolves.toBeUndefined();
    expect(await whatThePoolLeft(transactionPool.url(dbName))).toEqual(clean);
  });

  it('through a session pooler: migrate works and leaves no lock or setting on the server connection', async () => {
    const url = sessionPool.url(dbName);
    const applied = await run(url, (e) => e.up());
    expect(applied.map((m) => m.name)).toEqual([ALPHA_1, BETA_1]);
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1, BETA_1]);
    expect(await whatThePoolLeft(url)).toEqual(clean);
  });

  it('concurrent runs: all refused through a transaction pooler, all fine through a session pooler', async () => {
    const wide = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'session', poolSize: 12 });
    try {
      const refused = await Promise.all(
        Array.from({ length: 4 }, () => startEngine(transactionPool.url(dbName), 'race').done),
      );
      for (const r of refused) expect(r.out).toContain('MIGRATION_TRANSACTION_POOLER');
      expect((await db.query(`select to_regclass('tessera.migrations') is null as ok`))[0]?.ok).toBe(true);

      const runs = await Promise.all(Array.from({ length: 4 }, () => startEngine(wide.url(dbName), 'race').done));
      for (const r of runs) expect(r.code, r.out).toBe(0);
      await expectRaceAppliedOnce(db.query);
      const locks = await db.query(
        `select count(*)::int as n from pg_locks where locktype = 'advisory'
            and database = (select oid from pg_database where datname = current_database())`,
      );
      expect(locks[0]?.n).toBe(0);
    } finally {
      await wide.stop();
    }
  });

  it('a migrate killed with kill -9 behind a session pooler does not leave its statement running', async () => {
    const child = startEngine(sessionPool.url(dbName), 'sleepy');
    const sleeping = `select exists (select 1 from pg_stat_activity where datname = current_database()
                        and query = 'select pg_sleep(300)' and state = 'active') as ok`;
    const until = async (sql: string, want: boolean) => {
      for (;;) {
        if ((await db.query(sql))[0]?.ok === want) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(sleeping, true);
    child.child.kill('SIGKILL');
    await child.done;
    // The server notices the vanished client (client_connection_check_interval) and ends the migration's
    // transaction long before the five-minute statement would; without it, this waits past the test timeout.
    await until(sleeping, false);
    expect((await journal(db.query)).map((r) => r.name)).toEqual([ALPHA_1, BETA_1]);
  });
});
