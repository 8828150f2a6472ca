import { describeMigrations, orderMigrations } from '@tessera/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import { emptyDatabase, tessera, tesseraProcess } from './cli.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
beforeEach(async () => {
  db = await emptyDatabase();
});
afterEach(async () => {
  await db.drop();
});

// The order the engine's rule gives (dependencies first, then by timestamp), which is what the journal must show.
const allMigrations = orderMigrations(describeMigrations(platform), platform.schemas).map((m) => m.name);
const identityMigrations = platform.migrations.filter((m) => m.context === 'identity').map((m) => m.name);
const appliedNames = async () =>
  (await db.query('select name from tessera.migrations order by id')).map((r) => r.name as string);

describe('tessera migrate', () => {
  it('applies every migration with progress, and has nothing to do the second time', async () => {
    const first = await tessera(db.url, 'migrate');
    expect(first.code, first.stderr).toBe(0);
    for (const name of allMigrations) expect(first.stdout).toContain(name);
    expect(first.stdout).toMatch(/\[1\/\d+\] ↑ identity/);
    expect(await appliedNames()).toEqual(allMigrations);
    const second = await tessera(db.url, 'migrate');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('The database is up to date; nothing to apply.');
  });

  it('eight processes at once all exit 0 and apply each migration exactly once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => tesseraProcess(db.url, {}, 'migrate')));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(await appliedNames()).toEqual(allMigrations);
    expect(results.filter((r) => r.stdout.includes('Applied '))).toHaveLength(1);
  });

  it('refuses to run when an applied migration was edited, naming it', async () => {
    await tessera(db.url, 'migrate');
    const [first] = allMigrations;
    // What editing the migration's SQL does, seen from the database: the stored checksum no longer matches.
    await db.query(`update tessera.migrations set checksum = repeat('0', 64) where name = $1`, [first]);
    const result = await tessera(db.url, 'migrate');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`MIGRATION_CHECKSUM_MISMATCH: migration ${first} was edited after it was applied`);
    const status = await tessera(db.url, 'status');
    expect(status.stdout).toContain(`EDITED   ${first}`);
  });

  it('exits non-zero with a clear message when the database cannot be reached', async () => {
    const url = new URL(db.url);
    url.pathname = '/tessera_no_such_database';
    // The process's exit code, as a deploy step sees it.
    const result = await tesseraProcess(url.toString(), {}, 'migrate');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tessera: .*tessera_no_such_database/);
  });
});

describe('tessera plan, status and check', () => {
  it('plan prints the pending SQL and applies nothing', async () => {
    const result = await tessera(db.url, 'plan');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('create table "identity"."users"');
    expect(await db.query(`select to_regclass('identity.users') as t`)).toEqual([{ t: null }]);
  });

  it('status reports each context', async () => {
    const before = await tessera(db.url, 'status');
    expect(before.stdout).toMatch(new RegExp(`identity +0 applied, ${identityMigrations.length} pending`));
    await tessera(db.url, 'migrate');
    const after = await tessera(db.url, 'status');
    expect(after.stdout).toMatch(
      new RegExp(`identity +${identityMigrations.length} applied, 0 pending, last ${identityMigrations.at(-1)}`),
    );
  });

  it('check passes on a migrated database and reports a table altered by hand', async () => {
    await tessera(db.url, 'migrate');
    const clean = await tessera(db.url, 'check');
    expect(clean.code, clean.stdout).toBe(0);
    await db.query('alter table identity.users add column nickname text');
    const drifted = await tessera(db.url, 'check');
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain('alter table "identity"."users" drop column "nickname"');
  });

  it('check fails while migrations are pending', async () => {
    const result = await tessera(db.url, 'check');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${allMigrations.length} migration(s) pending`);
  });
});

describe('tessera down', () => {
  it('reverts to nothing with --to 0 and back up again', async () => {
    await tessera(db.url, 'migrate');
    const down = await tessera(db.url, 'down', '--to', '0');
    expect(down.code, down.stderr).toBe(0);
    expect(await appliedNames()).toEqual([]);
    expect(await db.query(`select to_regclass('identity.users') as t`)).toEqual([{ t: null }]);
    expect((await tessera(db.url, 'migrate')).code).toBe(0);
    expect(await appliedNames()).toEqual(allMigrations);
  });

  it('rejects bad arguments with usage and exit code 2', async () => {
    const steps = await tessera(db.url, 'down', '--steps', 'two');
    expect(steps.code).toBe(2);
    expect(steps.stderr).toContain('--steps must be a positive integer');
    const unknown = await tessera(db.url, 'migrat');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "migrat"');
  });
});
