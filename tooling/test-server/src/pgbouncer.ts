import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, isAlive, waitForExit } from '@tessera/embedded-pg';
import { sleep } from './admin.ts';

/** Options of {@link startPgBouncer}. */
export interface PgBouncerOptions {
  /** The PostgreSQL the pooler forwards to; its user and password are the ones the pooler logs in with. */
  upstreamUrl: string;
  /** `transaction` hands a server connection out per transaction; `session` for the whole client session. */
  poolMode: 'transaction' | 'session';
  /** Server connections per database/user pair (default 4): small enough that transactions change backend. */
  poolSize?: number;
  /** Client connections the pooler accepts (default 200). */
  maxClientConnections?: number;
  /** The binary (default `TESSERA_PGBOUNCER` or /usr/sbin/pgbouncer). */
  binary?: string;
  /**
   * PgBouncer's `server_check_delay` in seconds. Default 0: a server connection is checked (`select 1`) each time a
   * client takes it, so a test that stops the server sees it at once. That is one more round trip per transaction;
   * a benchmark passes 30, PgBouncer's own default and what production runs with.
   */
  serverCheckDelaySeconds?: number;
}

/** A running PgBouncer in front of a test server. */
export interface PgBouncer {
  /** The URL of `database` (default: the upstream URL's database) through the pooler, with the upstream user. */
  url(database?: string): string;
  /** The admin console URL (database `pgbouncer`), for SHOW POOLS / SHOW SERVERS. */
  adminUrl(): string;
  /** The pooler's process id. */
  readonly pid: number;
  /** Stops the pooler (by its pid) and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts Debian's PgBouncer on a free port in front of `upstreamUrl`, with a wildcard database entry so every
 * database of the server (template clones included) is reachable through it. Clients authenticate by trust; the
 * pooler logs in upstream with the upstream URL's password from an auth file in a private temp folder. Runs as the
 * `postgres` (else `nobody`) OS user when started as root (PgBouncer refuses to run as root).
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const binary = options.binary ?? process.env.TESSERA_PGBOUNCER ?? '/usr/sbin/pgbouncer';
  const upstream = new URL(options.upstreamUrl);
  const user = decodeURIComponent(upstream.username || 'postgres');
  const password = decodeURIComponent(upstream.password);
  const upstreamDb = decodeURIComponent(upstream.pathname.slice(1)) || 'postgres';
  const owner = runAs();

  const dir = await mkdtemp(join(tmpdir(), 'tessera-pgbouncer-'));
  const files = {
    ini: join(dir, 'pgbouncer.ini'),
    auth: join(dir, 'userlist.txt'),
    log: join(dir, 'pgbouncer.log'),
    pid: join(dir, 'pgbouncer.pid'),
  };
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child?.pid && isAlive(child.pid)) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child.pid, STOP_TIMEOUT_MS))) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const port = await freePort();
    await writeFile(files.auth, `${quote(user)} ${quote(password)}\n`, { mode: 0o600 });
    await writeFile(
      files.ini,
      iniText({
        upstreamHost: upstream.hostname || '127.0.0.1',
        upstreamPort: upstream.port || '5432',
        port,
        user,
        poolMode: options.poolMode,
        poolSize: options.poolSize ?? 4,
        maxClients: options.maxClientConnections ?? 200,
        serverCheckDelaySeconds: options.serverCheckDelaySeconds ?? 0,
        files,
      }),
      { mode: 0o600 },
    );
    if (owner) {
      for (const path of [dir, files.ini, files.auth]) await chown(path, owner.uid, owner.gid);
    }
    await chmod(dir, 0o700);

    const output: string[] = [];
    child = spawn(binary, [files.ini], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    });
    const remember = (chunk: Buffer) => output.push(chunk.toString());
    child.stdout?.on('data', remember);
    child.stderr?.on('data', remember);
    const spawnFailure = new Promise<never>((_, reject) => {
      child?.once('error', reject);
      child?.once('exit', (code, signal) =>
        reject(new Error(`pgbouncer exited (${code ?? signal}) during start-up\n${output.join('')}`)),
      );
    });
    spawnFailure.catch(() => {});
    await Promise.race([waitForPort(port), spawnFailure]).catch(async (error: unknown) => {
      const log = await readFile(files.log, 'utf8').catch(() => '');
      throw new Error(`PgBouncer did not start: ${(error as Error).message}\n${log.slice(-2000)}`);
    });

    const pid = child.pid as number;
    const urlFor = (database: string) => {
      const url = new URL(options.upstreamUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      url.pathname = `/${encodeURIComponent(database)}`;
      return url.toString();
    };
    // A test process that exits without stop() must not leave the pooler running.
    const onExit = () => {
      if (isAlive(pid)) process.kill(pid, 'SIGTERM');
    };
    process.once('exit', onExit);
    let stopping: Promise<void> | undefined;
    return {
      pid,
      url: (database = upstreamDb) => urlFor(database),
      adminUrl: () => urlFor('pgbouncer'),
      stop: () => {
        process.off('exit', onExit);
        stopping ??= cleanup();
        return stopping;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

interface IniInput {
  upstreamHost: string;
  upstreamPort: string;
  port: number;
  user: string;
  poolMode: 'transaction' | 'session';
  poolSize: number;
  maxClients: number;
  serverCheckDelaySeconds: number;
  files: { auth: string; log: string; pid: string };
}

function iniText(input: IniInput): string {
  return [
    '[databases]',
    // Wildcard: any database name the client asks for is forwarded as is, so per-test clones work.
    `* = host=${input.upstreamHost} port=${input.upstreamPort}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${input.port}`,
    // TCP only: no socket file left in /tmp by a killed pooler.
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${input.files.auth}`,
    `admin_users = ${input.user}`,
    `stats_users = ${input.user}`,
    `pool_mode = ${input.poolMode}`,
    `default_pool_size = ${input.poolSize}`,
    'min_pool_size = 0',
    'reserve_pool_size = 0',
    `max_client_conn = ${input.maxClients}`,
    // Only what JDBC-style drivers send; `options` stays refused, as in production, so code must not send it.
    'ignore_startup_parameters = extra_float_digits',
    `logfile = ${input.files.log}`,
    `pidfile = ${input.files.pid}`,
    `server_check_delay = ${input.serverCheckDelaySeconds}`,
    '',
  ].join('\n');
}

/** PgBouncer's auth file quotes names and passwords in double quotes, doubling any inside. */
function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** The OS user to run as when we are root (PgBouncer refuses root): `postgres`, else `nobody`; undefined otherwise. */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: 'pipe' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: 'pipe' }).trim());
      return { uid, gid };
    } catch {
      // try the next one
    }
  }
  throw new Error('PgBouncer cannot run as root and there is no `postgres` or `nobody` OS user to run it as');
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${READY_TIMEOUT_MS} ms`);
    await sleep(25);
  }
}
