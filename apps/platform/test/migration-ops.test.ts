import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMigrations, orderMigrations } from '@tessera/migrator';
import { type PgBouncer, startPgBouncer, testAdminUrl } from '@tessera/test-server';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import type { HealthReport } from '../src/ops/health.ts';
import { emptyDatabase, tessera, tesseraProcess, tesseraWith } from './cli.ts';

const allMigrations = orderMigrations(describeMigrations(platform), platform.schemas).map((m) => m.name);
const newest = allMigrations.at(-1) as string;

let db: Awaited<ReturnType<typeof emptyDatabase>>;
let dbName: string;
beforeEach(async () => {
  db = await emptyDatabase();
  dbName = decodeURIComponent(new URL(db.url).pathname.slice(1));
});
afterEach(async () => {
  await db.drop();
});

/** What the engine records when a non-transactional migration fails after its first statement took effect. */
async function failedPartWay(name: string): Promise<void> {
  const context = platform.migrations.find((m) => m.name === name)?.context;
  await db.query(
    `insert into tessera.migration_failures (name, context, checksum, statements_done, statements_total, statement, error)
     values ($1, $2, repeat('0', 64), 1, 2, 'create index concurrently …', 'canceling statement due to lock timeout')`,
    [name, context],
  );
}

describe('tessera history', () => {
  it('lists the applied migrations with time, duration, checksum and context, as text and JSON', async () => {
    expect((await tessera(db.url, 'migrate')).code).toBe(0);
    const journal = await db.query('select name, context, checksum, execution_ms from tessera.migrations order by id');

    const json = await tessera(db.url, 'history', '--json');
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.name, r.context, r.checksum, r.durationMs])).toEqual(
      journal.map((j) => [j.name, j.context, j.checksum, j.execution_ms]),
    );
    expect(rows.map((r) => r.name)).toEqual(allMigrations);
    for (const r of rows) expect(new Date(String(r.appliedAt)).toISOString()).toBe(r.appliedAt);

    const text = await tessera(db.url, 'history');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/applied at +duration +context +migration +checksum/);
    const first = journal[0] as { name: string; context: string; checksum: string };
    expect(text.stdout).toMatch(new RegExp(`${first.context} +${first.name} +${first.checksum.slice(0, 12)}`));
  });

  it('says so on a database without migrations', async () => {
    const result = await tessera(db.url, 'history');
    expect(result.stdout).toContain('No migration is applied.');
  });
});

describe('tessera resolve', () => {
  it('--applied records a migration that failed part-way as applied, as an event, and migrate goes on', async () => {
    expect((await tessera(db.url, 'migrate')).code).toBe(0);
    await db.query('delete from tessera.migrations where name = $1', [newest]);
    await failedPartWay(newest);

    const status = await tessera(db.url, 'status');
    expect(status.stdout).toContain(`FAILED   ${newest}`);
    const refused = await tessera(db.url, 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`MIGRATION_NEEDS_RESOLVE: migration ${newest} is non-transactional and failed`);

    const resolved = await tessera(db.url, 'resolve', newest, '--applied');
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toContain(`Marked ${newest}`);
    const events = await db.query(`select type, payload from audit.events where type = 'db.migration.resolved'`);
    expect(events).toEqual([
      {
        type: 'db.migration.resolved',
        payload: expect.objectContaining({ migration: newest, resolution: 'applied' }),
      },
    ]);
    const history = JSON.parse((await tessera(db.url, 'history', '--json')).stdout) as { name: string }[];
    expect(history.at(-1)).toMatchObject({ name: newest, resolution: 'resolved as applied' });
    expect((await tessera(db.url, 'migrate')).stdout).toContain('The database is up to date');
  });

  it('--rolled-back lets the next migrate run the migration again', async () => {
    expect((await tessera(db.url, 'migrate')).code).toBe(0);
    expect((await tessera(db.url, 'down')).code).toBe(0);
    await failedPartWay(newest);
    const resolved = await tessera(db.url, 'resolve', newest, '--rolled-back');
    expect(resolved.code, resolved.stderr).toBe(0);
    const again = await tessera(db.url, 'migrate');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(newest);
    expect((await db.query('select count(*)::int as n from tessera.migration_failures'))[0]?.n).toBe(0);
  });

  it('refuses a migration that has no failure, and bad arguments', async () => {
    expect((await tessera(db.url, 'migrate')).code).toBe(0);
    const notFailed = await tessera(db.url, 'resolve', newest, '--applied');
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr).toContain(`MIGRATION_RESOLVE: cannot resolve migration ${newest}: it is applied already`);
    const both = await tessera(db.url, 'resolve', newest, '--applied', '--rolled-back');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --applied or --rolled-back');
  });
});

describe('an invalid index left by a failed concurrent build', () => {
  it('is reported by status and check, and rebuilt by the next migrate', async () => {
    expect((await tessera(db.url, 'migrate')).code).toBe(0);
    await db.query('create table identity.scratch (x int)');
    await db.query('insert into identity.scratch values (1), (1)');
    await expect(db.query('create unique index concurrently ux_scratch on identity.scratch (x)')).rejects.toThrow(
      /could not create unique index/,
    );
    const status = await tessera(db.url, 'status');
    expect(status.stdout).toContain('INVALID  index identity.ux_scratch on scratch');
    const check = await tessera(db.url, 'check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('Invalid index identity.ux_scratch on scratch (a failed concurrent build)');

    await db.query('delete from identity.scratch where ctid = (select max(ctid) from identity.scratch)');
    const repaired = await tessera(db.url, 'migrate');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('rebuilt the invalid index identity.ux_scratch');
    expect((await tessera(db.url, 'status')).stdout).not.toContain('INVALID');
  });
});

/**
 * Server sessions opened to the test database. pg_stat_database.sessions counts every session ever opened; a
 * session's count is flushed when it ends at the latest, so it is read once none is left (`noneLeft` polls
 * pg_stat_activity: the server announces no event for a session's end).
 */
function sessionCounter(admin: pg.Client) {
  return {
    async sessions() {
      await admin.query('select pg_stat_clear_snapshot()');
      const { rows } = await admin.query('select sessions from pg_stat_database where datname = $1', [dbName]);
      return Number(rows[0]?.sessions ?? 0);
    },
    async noneLeft() {
      for (;;) {
        const { rows } = await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [
          dbName,
        ]);
        if (rows[0]?.n === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

// The sessions one `tessera migrate` process opens, from its start to its exit.
describe('one connection per migrate', () => {
  it('applies everything and records its completion event on a single server session', async () => {
    const admin = new pg.Client({ connectionString: testAdminUrl() });
    await admin.connect();
    const { sessions, noneLeft } = sessionCounter(admin);
    try {
      await noneLeft();
      const before = await sessions();
      const result = await tesseraProcess(db.url, {}, 'migrate');
      expect(result.code, result.stderr).toBe(0);
      await noneLeft();
      expect((await sessions()) - before).toBe(1);
      const events = await db.query(`select payload from audit.events where type = 'db.migration.completed'`);
      expect(events).toHaveLength(1);
    } finally {
      await admin.end();
    }
  });

  it('with the migration manifest: a run with work, a no-op and a refused edited migration each use one session', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-manifest-'));
    const manifest = join(dir, 'migrations.manifest.json');
    const written = spawnSync(
      process.execPath,
      [
        '--conditions=@tessera/source',
        fileURLToPath(new URL('../scripts/write-manifest.ts', import.meta.url)),
        'src',
        manifest,
      ],
      { encoding: 'utf8' },
    );
    expect(written.status, written.stderr).toBe(0);
    const admin = new pg.Client({ connectionString: testAdminUrl() });
    await admin.connect();
    const { sessions, noneLeft } = sessionCounter(admin);
    /** `tessera migrate` with the manifest, and the number of server sessions it opened. */
    const migrate = async () => {
      await noneLeft();
      const before = await sessions();
      const result = await tesseraProcess(db.url, { TESSERA_MIGRATION_MANIFEST: manifest }, 'migrate');
      await noneLeft();
      return { ...result, sessions: (await sessions()) - before };
    };
    try {
      const first = await migrate();
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`Applied ${allMigrations.length} migration(s).`);
      expect(first.sessions).toBe(1);
      expect(await db.query(`select 1 from audit.events where type = 'db.migration.completed'`)).toHaveLength(1);

      const noop = await migrate();
      expect(noop.code, noop.stderr).toBe(0);
      expect(noop.stdout).toBe('The database is up to date; nothing to apply.\n');
      expect(noop.sessions).toBe(1);

      // The journal and the code disagree about an applied migration: the manifest does not hide it.
      await db.query(`update tessera.migrations set checksum = repeat('e', 64) where name = $1`, [newest]);
      const edited = await migrate();
      expect(edited.code).toBe(1);
      expect(edited.stderr).toContain(`MIGRATION_CHECKSUM_MISMATCH`);
      expect(edited.stderr).toContain(newest);
      expect(edited.sessions).toBe(1);
    } finally {
      await admin.end();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tessera behind PgBouncer', () => {
  let transactionPool: PgBouncer;
  let sessionPool: PgBouncer;
  beforeAll(async () => {
    transactionPool = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'transaction', poolSize: 2 });
    sessionPool = await startPgBouncer({ upstreamUrl: testAdminUrl(), poolMode: 'session', poolSize: 2 });
  });
  afterAll(async () => {
    await transactionPool?.stop();
    await sessionPool?.stop();
  });

  it('status and health work through a transaction pooler; migrate, and check without a session URL, are refused there by name', async () => {
    const pooled = transactionPool.url(dbName);
    const refused = await tessera(pooled, 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('MIGRATION_TRANSACTION_POOLER');
    expect(refused.stderr).toContain('Set TESSERA_MIGRATION_URL to a direct or session-mode URL');

    // With the direct URL for migrations, the app's pooled URL serves everything else.
    const migrated = await tesseraWith({ TESSERA_MIGRATION_URL: db.url }, pooled, 'migrate');
    expect(migrated.code, migrated.stderr).toBe(0);

    const status = await tessera(pooled, 'status');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/identity +\d+ applied, 0 pending/);
    // check builds a scratch database with the migrations to compare objects, so it needs the session URL too.
    const checkPooled = await tessera(pooled, 'check');
    expect(checkPooled.code).toBe(1);
    expect(checkPooled.stderr).toContain('MIGRATION_TRANSACTION_POOLER');
    const check = await tesseraWith({ TESSERA_MIGRATION_URL: db.url }, pooled, 'check');
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const health = await tessera(pooled, 'health', '--json');
    expect(health.code, health.stdout + health.stderr).toBe(0);
    expect(JSON.parse(health.stdout) as HealthReport).toMatchObject({ healthy: true, pendingMigrations: [] });

    // Nothing the runs did stays on the pooled server connections.
    const left = await db.query(
      `select count(*)::int as n from pg_locks where locktype = 'advisory'
          and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(left[0]?.n).toBe(0);
  });

  it('migrate works through a session pooler', async () => {
    const result = await tessera(sessionPool.url(dbName), 'migrate');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Applied ${allMigrations.length} migration(s).`);
  });
});
