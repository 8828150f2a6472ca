import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { serversDir as embeddedServersDir } from '../src/embedded.ts';
import setup from '../src/global-setup.ts';
import { databaseUrl } from '../src/index.ts';
import { exited, query, testAdminUrl } from './helpers.ts';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('globalSetup', () => {
  test('this forked worker got a superuser admin URL from the run', async () => {
    const url = testAdminUrl();
    if (process.env.TEST_DATABASE_URL) expect(url).toBe(process.env.TEST_DATABASE_URL);
    expect(await query(url, 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).toEqual([
      { rolsuper: true },
    ]);
  });

  test('without the setup (no tessera() plugin), testAdminUrl says how to add it', () => {
    delete process.env.TESSERA_TEST_ADMIN_URL;
    expect(() => testAdminUrl()).toThrow(
      'TESSERA_TEST_ADMIN_URL is not set: add tessera() from @tessera/testing/vitest to the plugins of your vitest config',
    );
  });

  test('child processes of a worker inherit the admin URL', async () => {
    const child = spawn(process.execPath, ['-e', 'process.stdout.write(process.env.TESSERA_TEST_ADMIN_URL ?? "")']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    expect(await exited(child)).toBe(0);
    expect(out).toBe(testAdminUrl());
  });

  test('publishes the server it starts and stops it in teardown', async () => {
    delete process.env.TEST_DATABASE_URL;
    process.env.TESSERA_TEST_SERVER = 'embedded';
    const teardown = await setup();
    const url = process.env.TESSERA_TEST_ADMIN_URL;
    expect(url).not.toBe(savedEnv.TESSERA_TEST_ADMIN_URL);
    expect(await query(url ?? '', 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    const serversDir = embeddedServersDir();
    const folder = (await readdir(serversDir)).find((f) => f.startsWith(`${process.pid}-`));
    expect(folder).toBeDefined();

    await teardown();

    expect(existsSync(join(serversDir, folder ?? '?'))).toBe(false);
    await expect(query(url ?? '', 'SELECT 1')).rejects.toThrow();
  });

  test('TESSERA_TEST_REPLICA=1 and TESSERA_TEST_POOLER=pgbouncer: a primary with a streaming replica and a PgBouncer in front, all stopped in teardown', async () => {
    process.env.TESSERA_TEST_REPLICA = '1';
    process.env.TESSERA_TEST_POOLER = 'pgbouncer';
    const teardown = await setup();
    const admin = process.env.TESSERA_TEST_ADMIN_URL ?? '';
    const replica = process.env.TESSERA_TEST_REPLICA_ADMIN_URL ?? '';
    const pooler = process.env.TESSERA_TEST_POOLER_URL ?? '';
    try {
      expect(admin).not.toBe(savedEnv.TESSERA_TEST_ADMIN_URL);
      expect(await query(admin, 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: false }]);
      expect(await query(replica, 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: true }]);
      // The pooler forwards to the primary, in transaction mode; the application is told to avoid named statements.
      expect(await query(pooler, 'SELECT inet_server_port() AS port')).toEqual([{ port: Number(new URL(admin).port) }]);
      const config = await query<{ key: string; value: string }>(databaseUrl(pooler, 'pgbouncer'), 'SHOW CONFIG');
      expect(config.find((row) => row.key === 'pool_mode')?.value).toBe('transaction');
      expect(process.env.TESSERA_DB_PREPARED_STATEMENTS).toBe('false');
    } finally {
      await teardown();
    }
    for (const url of [admin, replica, pooler]) await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  test('refuses an unknown TESSERA_TEST_REPLICA or TESSERA_TEST_POOLER, leaving no server running', async () => {
    process.env.TESSERA_TEST_REPLICA = 'yes';
    await expect(setup()).rejects.toThrow('TESSERA_TEST_REPLICA must be 1, embedded or unset (got "yes")');

    delete process.env.TESSERA_TEST_REPLICA;
    delete process.env.TEST_DATABASE_URL;
    process.env.TESSERA_TEST_SERVER = 'embedded';
    process.env.TESSERA_TEST_POOLER = 'pgpool';
    const serversDir = embeddedServersDir();
    const own = async () => (await readdir(serversDir)).filter((f) => f.startsWith(`${process.pid}-`));
    const before = await own();
    await expect(setup()).rejects.toThrow('TESSERA_TEST_POOLER must be pgbouncer or unset (got "pgpool")');
    // The embedded server it had started for the run is stopped and its folder removed.
    expect(await own()).toEqual(before);
  });
});
