import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, testAdminUrl } from '@tessera/test-server';
import { type TestDatabase, useTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { platform } from '../src/composition.ts';
import { findTools } from '../src/ops/pgtools.ts';
import { tessera } from './cli.ts';

/** What a backup or restore test file works with; `dir`, `serverMajor` and `dumpFits` are set before its tests. */
export interface BackupFixture {
  /** The platform database of this file, seeded by `tessera seed` (after `prepare`). */
  readonly db: TestDatabase;
  /** A temporary folder for dumps, removed after the file. */
  readonly dir: string;
  /** The test server's PostgreSQL major. */
  readonly serverMajor: number;
  /** Whether this machine has a pg_dump that can dump the test server (tests needing one return early otherwise). */
  readonly dumpFits: boolean;
  /** A new database name (and its URL) on the test server, dropped after the file. */
  scratch(label: string): { name: string; url: string };
  /** Runs `fn` on a connection to the test server's maintenance database. */
  admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T>;
  /** The rows `sql` returns on the database at `url`. */
  rows(url: string, sql: string): Promise<Record<string, unknown>[]>;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The setup the backup and restore suites share: a platform database of the file's own, filled by `prepare` and
 * then `tessera seed`, a temporary folder, and scratch databases named `<prefix>_<label>_…` dropped afterwards.
 */
export function useBackupFixture(prefix: string, prepare?: (db: TestDatabase) => Promise<void>): BackupFixture {
  const db = useTestDatabase(...platform.contexts);
  const created: string[] = [];
  const state = { dir: '', serverMajor: 0, dumpFits: false };
  const admin = <T>(fn: (c: pg.Client) => Promise<T>) => withClient(testAdminUrl(), fn);

  beforeAll(async () => {
    state.dir = await mkdtemp(join(tmpdir(), `tessera-${prefix}-`));
    const version = await db.query(`select current_setting('server_version_num') as v`);
    state.serverMajor = Math.floor(Number(version[0]?.v) / 1e4);
    state.dumpFits = (await findTools('pg_dump')).some((t) => t.major >= state.serverMajor);
    await prepare?.(db);
    const seeded = await tessera(db.url, 'seed');
    if (seeded.code !== 0) throw new Error(`tessera seed failed: ${seeded.stderr}`);
  });

  afterAll(async () => {
    await admin(async (c) => {
      for (const name of created) await c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`);
    });
    await rm(state.dir, { recursive: true, force: true });
  });

  return {
    db,
    get dir() {
      return state.dir;
    },
    get serverMajor() {
      return state.serverMajor;
    },
    get dumpFits() {
      return state.dumpFits;
    },
    scratch(label) {
      const name = `${prefix}_${label}_${process.pid}_${created.length}`;
      created.push(name);
      return { name, url: databaseUrl(db.url, name) };
    },
    admin,
    rows: (url, sql) => withClient(url, async (c) => (await c.query(sql)).rows),
  };
}
