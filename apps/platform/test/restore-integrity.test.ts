import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackupFixture } from './backup-fixture.ts';
import { tessera } from './cli.ts';
import { tesseraKilledAt } from './kill.ts';

const fx = useBackupFixture('ops_ri');
const { db, scratch, admin } = fx;

const databaseExists = async (name: string) =>
  admin(async (c) => ((await c.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0);

const foreignKeys = () =>
  db.query(`select conrelid::regclass::text as t, conname from pg_constraint where contype = 'f' order by 1, 2`);

/** The backup every test starts from (made once); undefined when this machine has no pg_dump for the server. */
const backups: Record<string, string> = {};
async function backupOf(context?: string): Promise<string> {
  const key = context ?? 'all';
  if (backups[key]) return backups[key];
  const file = join(fx.dir, `${key}.dump`);
  const result = await tessera(db.url, 'backup', '--file', file, ...(context ? ['--context', context] : []));
  expect(result.code, result.stderr).toBe(0);
  backups[key] = file;
  return file;
}

describe('restores that keep integrity', () => {
  it("refuses a forced context restore that would drop other contexts' foreign keys, naming them", async () => {
    if (!fx.dumpFits) return;
    const file = await backupOf('identity');
    const before = await foreignKeys();
    const users = await db.query('select id, email from identity.users order by id');
    const name = decodeURIComponent(new URL(db.url).pathname.slice(1));
    const result = await tessera(db.url, 'restore', file, '--database', name, '--force');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RESTORE_BREAKS_DEPENDENTS');
    // Each foreign key of another context that points into identity is named.
    const into = await db.query(
      `select conname from pg_constraint c join pg_class t on t.oid = c.confrelid
        join pg_namespace n on n.oid = t.relnamespace
        join pg_class o on o.oid = c.conrelid join pg_namespace own on own.oid = o.relnamespace
       where c.contype = 'f' and n.nspname = 'identity' and own.nspname <> 'identity'`,
    );
    expect(into.length).toBeGreaterThan(0);
    for (const fk of into) expect(result.stderr).toContain(String(fk.conname));
    // Nothing changed: the foreign keys are all there, the data is as it was, and the drift check is clean.
    expect(await foreignKeys()).toEqual(before);
    expect(await db.query('select id, email from identity.users order by id')).toEqual(users);
    const check = await tessera(db.url, 'check');
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('refuses a context whose dependencies the target lacks, before creating the database', async () => {
    if (!fx.dumpFits) return;
    const file = await backupOf('catalog');
    const target = scratch('catalog');
    const result = await tessera(db.url, 'restore', file, '--database', target.name);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `RESTORE_DEPENDENCIES_MISSING: context "catalog" depends on "nas", which database "${target.name}" does not hold`,
    );
    expect(await databaseExists(target.name)).toBe(false);
  });

  it('refuses a backup without its manifest unless --unverified', async () => {
    if (!fx.dumpFits) return;
    const file = join(fx.dir, 'no-manifest.dump');
    const made = await tessera(db.url, 'backup', '--context', 'nas', '--file', file);
    expect(made.code, made.stderr).toBe(0);
    await rm(`${file}.manifest.json`);
    const target = scratch('unverified');
    const refused = await tessera(db.url, 'restore', file, '--database', target.name);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('BACKUP_MANIFEST_MISSING');
    expect(refused.stderr).toContain('--unverified');
    expect(await databaseExists(target.name)).toBe(false);

    const unverified = await tessera(db.url, 'restore', file, '--database', target.name, '--unverified');
    expect(unverified.code, unverified.stderr).toBe(0);
    expect(unverified.stderr).toContain('--unverified: the backup has no manifest');
    expect(await databaseExists(target.name)).toBe(true);
  });

  it('a backup killed with SIGKILL leaves partial files that the next backup removes', async () => {
    if (!fx.dumpFits) return;
    const out = await mkdtemp(join(fx.dir, 'killed-backup-'));
    const file = join(out, 'nas.dump');
    const killed = await tesseraKilledAt(db.url, 'backup-written', 'backup', '--context', 'nas', '--file', file);
    expect(killed.reached, killed.output).toBe(true);
    const left = await readdir(out);
    expect(left.filter((n) => n.includes('.tessera-partial-')).length).toBe(2); // dump and manifest
    expect(existsSync(file)).toBe(false); // nothing under the real name
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('tessera-pgpass-'))).toEqual([]);

    const again = await tessera(db.url, 'backup', '--context', 'nas', '--file', file);
    expect(again.code, again.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['nas.dump', 'nas.dump.manifest.json']);
  });

  it('a restore killed with SIGKILL leaves no database under the real name; the next restore drops its leftover', async () => {
    if (!fx.dumpFits) return;
    const file = await backupOf('nas');
    const target = scratch('killed');
    const killed = await tesseraKilledAt(db.url, 'restore-loaded', 'restore', file, '--database', target.name);
    expect(killed.reached, killed.output).toBe(true);
    expect(await databaseExists(target.name)).toBe(false);
    const leftover = String(/restored as "(tessera_restoring_[^"]+)"/.exec(killed.output)?.[1]);
    expect(await databaseExists(leftover)).toBe(true);
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('tessera-pgpass-'))).toEqual([]);

    const again = await tessera(db.url, 'restore', file, '--database', target.name);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`dropped "${leftover}", left by a restore that was killed`);
    expect(again.stdout).toContain('Verified');
    expect(await databaseExists(leftover)).toBe(false);
  });
});
