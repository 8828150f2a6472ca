import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tessera/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedVersionError, embeddedMajor } from '../src/embedded.ts';
import { findTools } from '../src/ops/pgtools.ts';
import { type CliResult, spawnCli } from './cli.ts';

let home: string;
let port: number;

/** The CLI on its zero-setup default: no DATABASE_URL, its own TESSERA_HOME and port. */
function tessera(...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: home, TESSERA_EMBEDDED_PORT: String(port) };
  delete env.DATABASE_URL;
  delete env.TESSERA_EMBEDDED_PG_VERSION;
  return spawnCli(args, { ...env, TESSERA_FROM_SOURCE: '1' });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'tessera-home-'));
  // As root, the server runs as the `postgres` OS user, which must reach its data folder.
  chmodSync(home, 0o755);
  port = await freePort();
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('backup and restore on the zero-setup embedded server', () => {
  // Starts an embedded server three times (migrate, backup, restore): slow on a busy machine.
  it('picks the embedded major the machine can dump, and backup and restore work on it', {
    timeout: 300_000,
  }, async () => {
    const newest = (await findTools('pg_dump'))[0]?.major;
    const expected = newest === 15 ? 15 : 16;
    expect(await embeddedMajor(home)).toBe(expected);

    const migrated = await tessera('migrate');
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stderr).toContain(`using the embedded PostgreSQL ${expected} in ${join(home, `pg${expected}`)}`);
    if (newest === undefined || newest < expected) return; // no client tools at all on this machine

    const file = join(home, 'zero-setup.dump');
    const backup = await tessera('backup', '--file', file);
    expect(backup.code, backup.stderr).toBe(0);
    const restore = await tessera('restore', file, '--database', 'zero_setup_copy');
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain("Verified: every table's row count and checksum match the backup");
    // The data folder now exists, so the major stays as it is on later runs.
    expect(await embeddedMajor(home)).toBe(expected);
  });

  it('TESSERA_EMBEDDED_PG_VERSION must name 15 or 16', async () => {
    process.env.TESSERA_EMBEDDED_PG_VERSION = '14';
    try {
      await expect(embeddedMajor(home)).rejects.toThrow(EmbeddedVersionError);
    } finally {
      delete process.env.TESSERA_EMBEDDED_PG_VERSION;
    }
  });
});
