import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventRepository } from '@tessera/audit';
import { projectFactory, seasonFactory } from '@tessera/catalog/testing';
import { ExecutionRepository } from '@tessera/executions';
import { roleFactory, tokenFactory, userFactory } from '@tessera/identity/testing';
import { workflowFactory } from '@tessera/workflows/testing';
import { describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import type { BackupManifest } from '../src/ops/backup.ts';
import { libpqEnv, PgToolVersionError, pickTool } from '../src/ops/pgtools.ts';
import { useBackupFixture } from './backup-fixture.ts';
import { tessera } from './cli.ts';

const fx = useBackupFixture('ops', async (db) => {
  // Data in every context that has factories, through the packages' own factories.
  const em = db.em();
  const role = await roleFactory(em, { name: 'ops-admin' });
  for (let i = 0; i < 5; i++) {
    const user = await userFactory(em, { fullName: `Ops Ünïcode ${i} 'quoted'` });
    await tokenFactory(em, { user });
    if (i === 0)
      await db.query('insert into identity.user_roles (user_id, role_id) values ($1, $2)', [user.id, role.id]);
  }
  const workflow = await workflowFactory(db.em());
  await new ExecutionRepository(db.em(), { userId: workflow.owner.id }).start(workflow.id, { inputData: { n: 1 } });
  await seasonFactory(db.em(), { project: await projectFactory(db.em()) });
  await new EventRepository(db.em()).append([{ aggregateType: 'test', aggregateId: '1', type: 'test.seeded' }]);
  // knowledge and nas (and more identity) come from the platform's own seeders, which use the packages' factories.
});
const { db, scratch, rows } = fx;

describe('choosing pg_dump', () => {
  it('refuses a pg_dump older than the server and says what to install', () => {
    const old = [{ path: '/usr/bin/pg_dump', major: 15, version: '15.20' }];
    expect(() => pickTool('pg_dump', old, 16)).toThrow(PgToolVersionError);
    expect(() => pickTool('pg_dump', old, 16)).toThrow(
      /pg_dump 16 or newer is needed.*\/usr\/bin\/pg_dump is 15\.20.*postgresql-client-16.*TESSERA_PG_BIN/,
    );
  });

  it('prefers the same major, else the closest newer one', () => {
    const found = [
      { path: '/a/pg_dump', major: 18, version: '18.4' },
      { path: '/b/pg_dump', major: 17, version: '17.1' },
      { path: '/c/pg_dump', major: 16, version: '16.14' },
    ];
    expect(pickTool('pg_dump', found, 16).path).toBe('/c/pg_dump');
    expect(pickTool('pg_dump', found, 15).path).toBe('/c/pg_dump');
  });

  it("passes the password in the child's environment only: no file, no argument", async () => {
    const { env } = await libpqEnv('postgresql://ops:s3cr%3At@db.example:6543/tessera');
    expect([env.PGHOST, env.PGPORT, env.PGUSER, env.PGDATABASE]).toEqual(['db.example', '6543', 'ops', 'tessera']);
    expect(env.PGPASSWORD).toBe('s3cr:t');
    expect(env.PGPASSFILE).toBeUndefined();
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('tessera-pgpass-'))).toEqual([]);
  });
});

describe('tessera backup and restore', () => {
  it('round-trips the whole database into a new one and verifies every table', async () => {
    const file = join(fx.dir, 'all.dump');
    const backup = await tessera(db.url, 'backup', '--file', file);
    if (!fx.dumpFits) {
      // No pg_dump for this server on the machine: the user gets the message that says what to install.
      expect(backup.code).toBe(1);
      expect(backup.stderr).toContain(`PG_TOOL_TOO_OLD: pg_dump ${fx.serverMajor} or newer is needed`);
      expect(await readdir(fx.dir)).toEqual([]);
      return;
    }
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/\[1\/\d+\] /);
    expect(backup.stdout).toMatch(
      /Backup written to .*all\.dump: [\d.]+ kB, \d+ table\(s\), \d+ row\(s\), in [\d.]+ s/,
    );
    const manifest = JSON.parse(await readFile(`${file}.manifest.json`, 'utf8')) as BackupManifest;
    // Every context holds data, so the round trip below covers all of them.
    for (const context of platform.schemas) {
      expect(manifest.tables.filter((t) => t.schema === context && t.rows > 0).length, context).toBeGreaterThan(0);
    }

    const target = scratch('all');
    const restore = await tessera(db.url, 'restore', file, '--database', target.name);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`created database "${target.name}"`);
    expect(restore.stdout).toContain("Verified: every table's row count and checksum match the backup");
    const query = 'select email, full_name from identity.users order by email';
    expect(await rows(target.url, query)).toEqual(await db.query(query));
    expect(await rows(target.url, 'select count(*)::int as n from tessera.migrations')).toEqual([
      { n: platform.migrations.length },
    ]);
    // Both operations are recorded in audit.events of the database each one concerns.
    const events = `select type, payload from audit.events where type like 'db.%' order by id`;
    expect((await db.query(events)).map((e) => e.type)).toEqual(['db.backup.completed']);
    expect(await rows(target.url, events)).toMatchObject([
      { type: 'db.restore.completed', payload: { database: target.name, differences: 0 } },
    ]);
  });

  it('reports every table whose rows or checksum differ from the backup, and exits 1', async () => {
    const file = join(fx.dir, 'tampered.dump');
    const backup = await tessera(db.url, 'backup', '--file', file);
    if (!fx.dumpFits) return expect(backup.stderr).toContain('PG_TOOL_TOO_OLD');
    const manifest = JSON.parse(await readFile(`${file}.manifest.json`, 'utf8')) as BackupManifest;
    const tables = manifest.tables.map((t) =>
      t.table === 'users' ? { ...t, rows: t.rows + 1 } : t.table === 'roles' ? { ...t, checksum: '42' } : t,
    );
    await writeFile(`${file}.manifest.json`, JSON.stringify({ ...manifest, tables }));
    const restore = await tessera(db.url, 'restore', file, '--database', scratch('tampered').name);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('differs from the backup in 2 table(s)');
    const users = manifest.tables.find((t) => t.schema === 'identity' && t.table === 'users')?.rows ?? 0;
    expect(restore.stderr).toContain(`identity.users: rows (backup ${users + 1}, restored ${users})`);
    expect(restore.stderr).toMatch(/identity\.roles: checksum \(backup 42, restored -?\d+\)/);
  });

  it('refuses to restore over a database that holds data, and replaces it with --force', async () => {
    const file = join(fx.dir, 'force.dump');
    const backup = await tessera(db.url, 'backup', '--file', file);
    if (!fx.dumpFits) return expect(backup.stderr).toContain('PG_TOOL_TOO_OLD');
    const target = scratch('force');
    expect((await tessera(db.url, 'restore', file, '--database', target.name)).code).toBe(0);
    await rows(target.url, `insert into identity.roles (id, name) values (gen_random_uuid(), 'added-later')`);

    const refused = await tessera(db.url, 'restore', file, '--database', target.name);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`RESTORE_TARGET_NOT_EMPTY: database "${target.name}" is not empty`);
    expect(await rows(target.url, `select name from identity.roles where name = 'added-later'`)).toHaveLength(1);

    const forced = await tessera(db.url, 'restore', file, '--database', target.name, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('Verified');
    expect(await rows(target.url, `select name from identity.roles where name = 'added-later'`)).toEqual([]);
  });

  it('backs up and restores one context as its schema', async () => {
    const file = join(fx.dir, 'identity.dump');
    const backup = await tessera(db.url, 'backup', '--context', 'identity', '--file', file);
    if (!fx.dumpFits) return expect(backup.stderr).toContain('PG_TOOL_TOO_OLD');
    expect(backup.code, backup.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(`${file}.manifest.json`, 'utf8')) as BackupManifest;
    expect(manifest.schemas).toEqual(['identity']);
    expect(new Set(manifest.tables.map((t) => t.schema))).toEqual(new Set(['identity']));
    const target = scratch('ctx');
    const restore = await tessera(db.url, 'restore', file, '--database', target.name);
    expect(restore.code, restore.stderr).toBe(0);
    const schemas = await rows(
      target.url,
      `select distinct table_schema as s from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
    );
    expect(schemas).toEqual([{ s: 'identity' }]);
    expect(await rows(target.url, 'select count(*)::int as n from identity.tokens')).toEqual(
      await db.query('select count(*)::int as n from identity.tokens'),
    );
  });

  it('rejects an unknown context by name and writes nothing', async () => {
    const file = join(fx.dir, 'nope.dump');
    const result = await tessera(db.url, 'backup', '--context', 'billing', '--file', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('UNKNOWN_CONTEXT: context "billing" is not one of identity');
    expect(existsSync(file)).toBe(false);
    expect((await readdir(fx.dir)).filter((n) => n.includes('.tessera-partial-'))).toEqual([]);
  });

  it('says so when the backup file does not exist', async () => {
    const result = await tessera(
      db.url,
      'restore',
      join(fx.dir, 'missing.dump'),
      '--database',
      scratch('missing').name,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/BACKUP_NOT_FOUND: backup file .*missing\.dump does not exist/);
  });
});
