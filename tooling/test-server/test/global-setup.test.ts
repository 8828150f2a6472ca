import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { serversDir as embeddedServersDir } from '../src/embedded.ts';
import setup from '../src/global-setup.ts';
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
});
