import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PgBouncer, startPgBouncer } from '@tessera/test-server';
import { useTestDatabase } from '@tessera/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import { tessera, tesseraWith } from './cli.ts';

const db = useTestDatabase(...platform.contexts);
let transaction: PgBouncer;
let session: PgBouncer;
let dir: string;
let dumps: string;
beforeAll(async () => {
  transaction = await startPgBouncer({ upstreamUrl: db.url, poolMode: 'transaction' });
  session = await startPgBouncer({ upstreamUrl: db.url, poolMode: 'session' });
  dir = mkdtempSync(join(tmpdir(), 'tessera-pooler-ops-'));
  writeFileSync(join(dir, 'clip.mp4'), 'video');
  dumps = mkdtempSync(join(tmpdir(), 'tessera-pooler-dumps-'));
});
afterAll(async () => {
  await transaction?.stop();
  await session?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(dumps, { recursive: true, force: true });
});

const files = async () => Number((await db.query('select count(*)::int as n from nas.nas_files'))[0]?.n);

describe('nas scan, backup and restore through PgBouncer', () => {
  it('in transaction mode: each refuses with TRANSACTION_POOLER, saying what to set, and changes nothing', async () => {
    const url = transaction.url();
    const scan = await tessera(url, 'nas', 'scan', dir);
    expect(scan.code).toBe(1);
    expect(scan.stderr).toContain('TRANSACTION_POOLER: tessera nas scan needs a database session of its own');
    expect(scan.stderr).toContain('TESSERA_MIGRATION_URL');
    expect(await files()).toBe(0);

    const file = join(dumps, 'pooled.dump');
    const backup = await tessera(url, 'backup', '--file', file);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain('TRANSACTION_POOLER: tessera backup needs a database session of its own');
    expect(existsSync(file)).toBe(false);

    writeFileSync(file, 'not reached');
    writeFileSync(`${file}.manifest.json`, '{}');
    const restore = await tessera(url, 'restore', file, '--database', 'tessera_pooled_never_created');
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('TRANSACTION_POOLER: tessera restore needs a database session of its own');
    const created = await db.query(`select 1 from pg_database where datname = 'tessera_pooled_never_created'`);
    expect(created).toEqual([]);
  });

  it('with TESSERA_MIGRATION_URL set to a direct URL, scan works while DATABASE_URL is the transaction pooler', async () => {
    const scan = await tesseraWith({ TESSERA_MIGRATION_URL: db.url }, transaction.url(), 'nas', 'scan', dir);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stdout).toContain('1 new, 0 changed');
  });

  it('in session mode (a server session per client): the check lets the scan through', async () => {
    const scan = await tessera(session.url(), 'nas', 'scan', dir);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stderr).not.toContain('TRANSACTION_POOLER');
  });
});
