import { createServer } from 'node:net';
import { roleFactory, userFactory } from '@tessera/identity/testing';
import { useTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import type { HealthReport } from '../src/ops/health.ts';
import type { StatsReport } from '../src/ops/stats.ts';
import { tessera, tesseraWith, useEmptyDatabase } from './cli.ts';

const db = useTestDatabase(...platform.contexts);
const empty = useEmptyDatabase();

describe('tessera health', () => {
  it('reports a migrated database as healthy, with its server version', async () => {
    const [{ version }] = (await db.query(`select current_setting('server_version') as version`)) as [
      { version: string },
    ];
    const table = await tessera(db.url, 'health');
    expect(table.code, table.stdout + table.stderr).toBe(0);
    expect(table.stdout).toMatch(/connection +ok +connect [\d.]+ ms/);
    expect(table.stdout).toMatch(/latency +ok +round trip [\d.]+ ms/);
    expect(table.stdout).toContain(`PostgreSQL ${version}`);
    expect(table.stdout).toMatch(/migrations +ok +all applied/);
    expect(table.stdout).toMatch(/drift +ok +none/);
    expect(table.stdout.trimEnd().endsWith('healthy')).toBe(true);

    const json = await tessera(db.url, 'health', '--json');
    const report = JSON.parse(json.stdout) as HealthReport;
    expect(report).toMatchObject({ healthy: true, connected: true, serverVersion: version, pendingMigrations: [] });
    expect(report.drift).toEqual([]);
    expect(typeof report.roundTripMs).toBe('number');
  });

  it('fails on pending migrations and names how many', async () => {
    const result = await tessera(empty.url, 'health', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as HealthReport;
    expect(report.healthy).toBe(false);
    expect(report.pendingMigrations).toEqual(platform.migrations.map((m) => m.name));
    const table = await tessera(empty.url, 'health');
    expect(table.stdout).toContain(`migrations  FAIL    ${platform.migrations.length} pending`);
  });

  it('fails on drift, showing the count of aligning statements', async () => {
    await db.query('alter table identity.roles add column nickname text');
    try {
      const result = await tessera(db.url, 'health');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/drift +FAIL +1 statement\(s\) would align it/);
      expect(result.stdout).toContain('UNHEALTHY');
    } finally {
      await db.query('alter table identity.roles drop column nickname');
    }
  });

  it('names an applied migration that was edited, as a migration problem', async () => {
    const [first] = (await db.query('select name, checksum from tessera.migrations order by id limit 1')) as [
      { name: string; checksum: string },
    ];
    await db.query(`update tessera.migrations set checksum = repeat('0', 64) where name = $1`, [first.name]);
    try {
      const result = await tessera(db.url, 'health');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`migrations +FAIL +${first.name} was edited after it was applied`));
      const report = JSON.parse((await tessera(db.url, 'health', '--json')).stdout) as HealthReport;
      expect(report.migrationProblems).toEqual([`${first.name} was edited after it was applied`]);
    } finally {
      await db.query('update tessera.migrations set checksum = $2 where name = $1', [first.name, first.checksum]);
    }
  });

  it('reports a read replica of its environment that does not answer, without its password', async () => {
    // A port nothing listens on: bound once, then released.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    // Without a database in its URL, the replica is asked for the primary's database.
    const env = { TESSERA_READ_REPLICA_URLS: `postgresql://reader:sekrit@127.0.0.1:${port}` };
    const replica = `127.0.0.1:${port}${new URL(db.url).pathname}`;

    const json = await tesseraWith(env, db.url, 'health', '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as HealthReport;
    expect(report).toMatchObject({ healthy: false, connected: true, pendingMigrations: [], drift: [] });
    expect(report.replicas).toEqual([
      {
        replica,
        reachable: false,
        lagMs: null,
        withinBudget: false,
        replayLsn: null,
        error: expect.stringMatching(/\S/),
      },
    ]);
    const table = await tesseraWith(env, db.url, 'health');
    expect(table.stdout).toMatch(new RegExp(`replica ${replica} +FAIL +\\S`));
    expect(table.stdout).toContain('UNHEALTHY');
    expect(json.stdout + table.stdout + table.stderr).not.toContain('sekrit');
  });

  it('reports a database that cannot be reached, with the reason', async () => {
    const url = new URL(db.url);
    url.pathname = '/tessera_no_such_database';
    const result = await tessera(url.toString(), 'health', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as HealthReport;
    expect(report.connected).toBe(false);
    expect(report.error).toContain('tessera_no_such_database');
  });
});

describe('tessera stats', () => {
  it('counts rows, sizes, dead tuples and maintenance per table and per context', async () => {
    const em = db.em();
    for (let i = 0; i < 3; i++) await userFactory(em);
    const roles = [await roleFactory(em), await roleFactory(em), await roleFactory(em)];
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('delete from identity.roles where id = any($1)', [roles.slice(0, 2).map((r) => r.id)]);
      // Statistics reach the shared view when the backend flushes them; make that happen now.
      await client.query('select pg_stat_force_next_flush()');
      await client.query('analyze identity.users');
    } finally {
      await client.end();
    }
    const result = await tessera(db.url, 'stats', '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as StatsReport;
    const users = report.tables.find((t) => t.context === 'identity' && t.table === 'users');
    const rolesStats = report.tables.find((t) => t.context === 'identity' && t.table === 'roles');
    expect(users).toMatchObject({ rows: 3, lastVacuum: null });
    expect(users?.lastAnalyze).not.toBeNull();
    expect(users?.tableBytes).toBeGreaterThan(0);
    expect(users?.indexBytes).toBeGreaterThan(0);
    expect(rolesStats).toMatchObject({ rows: 1, deadTuples: 2, lastAnalyze: null });
    const identity = report.contexts.find((c) => c.context === 'identity');
    const identityTables = report.tables.filter((t) => t.context === 'identity');
    expect(identity?.tables).toBe(identityTables.length);
    expect(identity?.rows).toBe(identityTables.reduce((a, t) => a + t.rows, 0));
    expect(report.contexts.map((c) => c.context)).toContain('tessera');

    const table = await tessera(db.url, 'stats');
    expect(table.stdout).toMatch(/^table +rows +table size +index size +dead +last vacuum +last analyze$/m);
    expect(table.stdout).toMatch(/^identity\.users +3 +[\d.]+ kB +[\d.]+ kB +0 +never +\d{4}-\d\d-\d\d /m);
    expect(table.stdout).toMatch(/^identity +\d+ +\d+ /m);
  });
});
