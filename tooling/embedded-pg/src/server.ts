import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';
import { shutDown, signal } from './processes.ts';

const run = promisify(execFile);

/** Options of {@link startPostgres}. */
export interface PostgresOptions {
  /** The folder with `initdb` and `postgres` ({@link postgresBinDir}). */
  binDir: string;
  /** The data folder. A new one (no `PG_VERSION` in it) is created with initdb first; an existing one is reused. */
  dataDir: string;
  /** The TCP port on 127.0.0.1, or `free`: a free one, and another one if postgres loses the race for it. */
  port: number | 'free';
  /** The password of the superuser `postgres`, who logs in with scram-sha-256. Set by initdb, so only for new ones. */
  password: string;
  /** More server settings (`name=value`); `listen_addresses=127.0.0.1` and no Unix socket are always set. */
  settings?: readonly string[];
  /** More initdb flags (for example `--no-sync`); UTF-8, locale C and scram-sha-256 are always set. */
  initdbFlags?: readonly string[];
}

/** A PostgreSQL that {@link startPostgres} started; it runs until {@link EmbeddedServer.stop}, or this process ends. */
export interface EmbeddedServer {
  /** The postmaster's process id. */
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
  /** Whether initdb created the data folder in this start. */
  readonly created: boolean;
  /** The superuser's URL of `database` (default `postgres`), password included. */
  url(database?: string): string;
  /** Fast-shuts the server down by its pid and waits until it is gone; safe to call twice. */
  stop(): Promise<void>;
}

/** initdb or the server failed; `log` holds their last lines. */
export class PostgresStartError extends Error {
  readonly dataDir: string;
  /** Undefined when it failed before a port was chosen (initdb, the OS user). */
  readonly port: number | undefined;
  /** What failed, in one line. */
  readonly reason: string;
  readonly log: readonly string[];

  constructor(dataDir: string, port: number | undefined, reason: string, log: readonly string[]) {
    super(
      `PostgreSQL in ${dataDir} did not start${port === undefined ? '' : ` on port ${port}`} (${reason})` +
        (log.length ? `\n${log.join('\n')}` : ''),
    );
    this.name = 'PostgresStartError';
    this.dataDir = dataDir;
    this.port = port;
    this.reason = reason;
    this.log = [...log];
  }
}

const START_ATTEMPTS = 3;
const LOG_LINES = 40;
const READY = 'database system is ready to accept connections';

/**
 * Starts PostgreSQL from `binDir` on `dataDir` (after initdb, when the folder holds no cluster yet) and resolves once
 * it accepts connections. As root it runs as the `postgres` OS user (PostgreSQL refuses root), which is created when
 * missing. The password reaches initdb through a mode-600 file next to the data folder that exists only while initdb
 * runs: never a shared temp folder, never a command line. The server is a child of this process; if this process
 * exits or is ended by SIGINT, SIGTERM or SIGHUP without stopping it, it is sent a fast shutdown.
 */
export async function startPostgres(options: PostgresOptions): Promise<EmbeddedServer> {
  const { binDir, dataDir, password } = options;
  const log: string[] = [];
  const remember = (text: string) => {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      log.push(line);
    }
    log.splice(0, Math.max(0, log.length - LOG_LINES));
  };
  const owner = await serverUser().catch((error: unknown) => {
    throw new PostgresStartError(dataDir, undefined, reasonOf(error), log);
  });
  const created = !existsSync(join(dataDir, 'PG_VERSION'));
  if (created) await initdb(options, owner, remember, log);

  // TCP only: a socket file in /tmp is one more thing a killed server leaves behind.
  const flags = [...(options.settings ?? []), 'listen_addresses=127.0.0.1', 'unix_socket_directories='].flatMap(
    (setting) => ['-c', setting],
  );
  for (let attempt = 1; ; attempt++) {
    const port = options.port === 'free' ? await freePort() : options.port;
    try {
      const child = await spawnServer(binDir, dataDir, port, flags, owner, remember);
      return server(child, port, dataDir, created, password);
    } catch (error) {
      // With a free port, another process may have taken it between the probe and postgres' bind: try another one.
      if (options.port !== 'free' || attempt >= START_ATTEMPTS) {
        throw new PostgresStartError(dataDir, port, reasonOf(error), log);
      }
    }
  }
}

function server(child: Postmaster, port: number, dataDir: string, created: boolean, password: string): EmbeddedServer {
  const { pid, exited } = child;
  let stopping: Promise<void> | undefined;
  // Within `ms`, whether the child has exited: its own exit event, so a pid the system reuses is never signalled.
  const gone = (ms: number) =>
    Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref())]);
  return {
    pid,
    port,
    dataDir,
    created,
    url: (database = 'postgres') =>
      `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop() {
      stopping ??= running.has(pid) ? shutDown(pid, gone) : Promise.resolve();
      return stopping;
    },
  };
}

/** A postmaster this process spawned, and its exit. */
interface Postmaster {
  pid: number;
  exited: Promise<void>;
}

interface OsUser {
  uid: number;
  gid: number;
}

/** As root, the `postgres` OS user (created when missing); otherwise undefined: the server runs as this user. */
async function serverUser(): Promise<OsUser | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['-f', 'postgres']);
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

async function initdb(
  options: PostgresOptions,
  owner: OsUser | undefined,
  remember: (text: string) => void,
  log: string[],
): Promise<void> {
  const { dataDir } = options;
  const pwfile = join(dirname(dataDir), `.initdb-${randomBytes(6).toString('hex')}.pw`);
  try {
    // The folders above it keep the default mode: as root, the server's user must be able to reach its folder.
    await mkdir(dirname(dataDir), { recursive: true });
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(pwfile, `${options.password}\n`, { mode: 0o600, flag: 'wx' });
    if (owner) {
      await chown(dataDir, owner.uid, owner.gid);
      await chown(pwfile, owner.uid, owner.gid);
    }
    const { stdout, stderr } = await run(
      join(options.binDir, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        ...(options.initdbFlags ?? []),
      ],
      { ...owner, env: { ...process.env, LC_ALL: 'C' } },
    );
    remember(`${stdout}\n${stderr}`);
  } catch (error) {
    if (error instanceof PostgresStartError) throw error;
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    remember(stderr);
    const said = stderr.split('\n').find((line) => line.trim());
    throw new PostgresStartError(dataDir, undefined, `initdb failed: ${said ?? reasonOf(error)}`, log);
  } finally {
    await rm(pwfile, { force: true });
  }
}

/** Spawns the postmaster and resolves once it accepts connections; rejects if it exits first. */
function spawnServer(
  binDir: string,
  dataDir: string,
  port: number,
  flags: string[],
  owner: OsUser | undefined,
  remember: (text: string) => void,
): Promise<Postmaster> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(binDir, 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
      ...owner,
      // English messages: readiness is read from the log.
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Tracked from the start (a signal that ends this process while postgres starts up stops it too) to its exit.
    if (child.pid !== undefined) track(child.pid);
    const exited = new Promise<void>((settle) =>
      child.once('exit', () => {
        if (child.pid !== undefined) untrack(child.pid);
        settle();
      }),
    );
    let ready = false;
    let pending = '';
    // Read for the server's whole life: a pipe nobody drains would block its logging.
    const read = (chunk: Buffer) => {
      const text = pending + chunk.toString('utf8');
      const end = text.lastIndexOf('\n');
      pending = text.slice(end + 1);
      if (end < 0) return;
      remember(text.slice(0, end));
      if (!ready && text.slice(0, end).includes(READY)) {
        ready = true;
        resolve({ pid: child.pid as number, exited });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('error', reject);
    child.once('exit', (code, name) => {
      if (!ready) reject(new Error(`the postgres process exited (${name ?? `code ${code}`})`));
    });
  });
}

/** The first line of an error's message. */
function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** The postmasters this process started and has not stopped: a fast shutdown is sent to them when it ends. */
const running = new Set<number>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function stopRunning(): void {
  for (const pid of running) signal(pid, 'SIGINT');
}

function onSignal(name: NodeJS.Signals): void {
  stopRunning();
  // Alone, this listener replaces the default of ending the process: restore it and let the signal do that.
  if (process.listenerCount(name) === 1) {
    uninstall();
    process.kill(process.pid, name);
  }
}

function track(pid: number): void {
  running.add(pid);
  if (running.size !== 1) return;
  process.on('exit', stopRunning);
  for (const name of SIGNALS) process.on(name, onSignal);
}

function untrack(pid: number): void {
  running.delete(pid);
  if (running.size === 0) uninstall();
}

function uninstall(): void {
  process.off('exit', stopRunning);
  for (const name of SIGNALS) process.off(name, onSignal);
}
