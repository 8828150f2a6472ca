import { createHash, randomBytes } from 'node:crypto';
import pg, { type Client } from 'pg';
import { databaseUrl, dropDatabase, ident, sleep, sqlState, withClient } from './admin.ts';

/** The database comment that marks a template as fully built (` used=<epoch s>` follows); anything else: "incomplete". */
export const COMPLETE_MARK = 'tessera-template complete';
/** Refresh a template's last-use mark at most this often, so cloning per test file does not write a catalog row each time. */
const USE_MARK_INTERVAL_S = 3600;

/** The comment of a complete template last used at `epochSeconds`. */
export function completeMark(epochSeconds = Math.floor(Date.now() / 1000)): string {
  return `${COMPLETE_MARK} used=${epochSeconds}`;
}

/** Whether a comment marks a complete template, and when it was last used (0 when it does not say). */
export function parseMark(mark: string | null | undefined): { complete: boolean; usedAt: number } {
  if (mark === COMPLETE_MARK) return { complete: true, usedAt: 0 };
  const used = mark?.startsWith(`${COMPLETE_MARK} used=`) ? Number(mark.slice(COMPLETE_MARK.length + 6)) : Number.NaN;
  return Number.isFinite(used) ? { complete: true, usedAt: used } : { complete: false, usedAt: 0 };
}
/** The comment a template carries while it is built, naming the builder so cleanup knows whom to ask. */
export const BUILDING_MARK = 'tessera-template building pid=';
/** The default prefix of template databases. */
export const TEMPLATE_PREFIX = 'tessera_tpl_';

/**
 * The prefix of this run's template databases: `TESSERA_TEST_TEMPLATE_PREFIX`, or {@link TEMPLATE_PREFIX}. Projects
 * sharing one server can keep theirs apart; cleanup only touches templates with this prefix.
 */
export function templatePrefix(): string {
  const prefix = process.env.TESSERA_TEST_TEMPLATE_PREFIX || TEMPLATE_PREFIX;
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(prefix)) {
    throw new Error(
      `TESSERA_TEST_TEMPLATE_PREFIX must be 1-40 characters of a-z, 0-9 and _, starting with a letter or _ (got "${prefix}")`,
    );
  }
  return prefix;
}
/** Prefix of every clone; the owner pid follows, so cleanup can tell whose it is. */
export const CLONE_PREFIX = 'tessera_t_';

/** First key of the two-int advisory lock: keeps our locks apart from anyone else's on the same server. */
const LOCK_NAMESPACE = 0x7e55e7a;
/** Each failed attempt already includes PostgreSQL's own wait of up to 5 s for the other sessions. */
const CLONE_ATTEMPTS = 4;

/** The template database name for `key`: [a-z0-9_] only, within PostgreSQL's 63-character limit. */
export function templateName(key: string): string {
  const safe = key.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!safe) throw new Error('ensureTemplate needs a non-empty key');
  return `${templatePrefix()}${safe}`.slice(0, 63);
}

/** The two-int advisory lock guarding a template. Advisory locks are per database: always take it via adminUrl. */
export function templateLock(name: string): [number, number] {
  return [LOCK_NAMESPACE, createHash('sha256').update(name).digest().readInt32BE(0)];
}

/** Records that a complete template was just used, so cleanup keeps it (at most once an hour). */
async function markUsed(admin: Client, name: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  if (now - parseMark(await templateMark(admin, name)).usedAt >= USE_MARK_INTERVAL_S) {
    await admin.query(`COMMENT ON DATABASE ${ident(name)} IS '${completeMark(now)}'`);
  }
}

/** The mark (the database comment) of template `name`: null without one, undefined when there is no such database. */
export async function templateMark(admin: Client, name: string): Promise<string | null | undefined> {
  const { rows } = await admin.query<{ mark: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`,
    [name],
  );
  return rows.length === 0 ? undefined : (rows[0]?.mark ?? null);
}

/** Whether a template exists and whether it was finished. */
export async function templateState(admin: Client, name: string): Promise<'missing' | 'complete' | 'incomplete'> {
  const mark = await templateMark(admin, name);
  if (mark === undefined) return 'missing';
  return parseMark(mark).complete ? 'complete' : 'incomplete';
}

/** Creates (once, race-safe across processes) a template database named from `key`, built by `build(url)`; returns its name. Reused when a complete template with that key exists. */
export async function ensureTemplate(
  adminUrl: string,
  key: string,
  build: (url: string) => Promise<void>,
): Promise<string> {
  const name = templateName(key);
  const lock = templateLock(name);
  return withClient(adminUrl, async (admin) => {
    // Session-level lock: if this process dies mid-build, its session ends and the lock is released.
    await admin.query('SELECT pg_advisory_lock($1, $2)', lock);
    try {
      const state = await templateState(admin, name);
      if (state === 'complete') {
        await markUsed(admin, name);
        return name;
      }
      if (state === 'incomplete') await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
      // template0 never has sessions, so this cannot fail because someone is connected to template1.
      await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE template0`);
      await admin.query(`COMMENT ON DATABASE ${ident(name)} IS '${BUILDING_MARK}${process.pid}'`);
      try {
        await build(databaseUrl(adminUrl, name));
        // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template.
        await disconnectAll(admin, name);
        await admin.query(`COMMENT ON DATABASE ${ident(name)} IS '${completeMark()}'`);
      } catch (error) {
        await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`).catch(() => {});
        throw error;
      }
      return name;
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1, $2)', lock).catch(() => {});
    }
  });
}

/** Ends every other session on database `name` and waits until they are gone. */
async function disconnectAll(admin: Client, name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n
         FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [name],
    );
    if (rows[0]?.n === 0) return;
    await sleep(20);
  }
  throw new Error(`sessions on template ${name} did not go away`);
}

let cloneCounter = 0;

/** A database cloned from a template, with the means to drop it. */
export interface ClonedDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const strategies = new Map<string, Promise<string>>();

/**
 * How to copy a template on this server. On a server without fsync (the embedded test servers) the checkpoint
 * that FILE_COPY forces costs nothing, and copying files is about twice as fast as WAL_LOG, PostgreSQL 15's
 * default; on a durable server WAL_LOG is kinder to everything else running there.
 */
function cloneStrategy(admin: pg.ClientBase, adminUrl: string): Promise<string> {
  let strategy = strategies.get(adminUrl);
  if (!strategy) {
    strategy = admin
      .query(`select current_setting('server_version_num')::int as v, current_setting('fsync') as fsync`)
      .then(({ rows }) => (rows[0]?.v >= 150000 && rows[0]?.fsync === 'off' ? ' STRATEGY FILE_COPY' : ''));
    strategies.set(adminUrl, strategy);
  }
  return strategy;
}

const clonePools = new Map<string, pg.Pool>();

/**
 * A small pool of admin sessions for cloning: a clone per test file should not pay for a new connection and
 * its password exchange each time. Idle sessions close on their own and never keep the process alive.
 */
function clonePool(adminUrl: string): pg.Pool {
  let pool = clonePools.get(adminUrl);
  if (!pool) {
    pool = new pg.Pool({ connectionString: adminUrl, max: 2, idleTimeoutMillis: 2_000, allowExitOnIdle: true });
    pool.on('error', () => {});
    clonePools.set(adminUrl, pool);
  }
  return pool;
}

/** Options of {@link cloneDatabase}. */
export interface CloneOptions {
  /** Called each time an attempt failed because other sessions use the template, before the retry. */
  readonly onBusy?: (attempt: number) => void;
}

/** Clones a template into a fresh database (CREATE DATABASE ... TEMPLATE ...). */
export async function cloneDatabase(
  adminUrl: string,
  template: string,
  options: CloneOptions = {},
): Promise<ClonedDatabase> {
  cloneCounter += 1;
  const name = `${CLONE_PREFIX}${process.pid}_${cloneCounter}_${randomBytes(2).toString('hex')}`;
  const admin = await clonePool(adminUrl).connect();
  try {
    const strategy = await cloneStrategy(admin, adminUrl);
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}${strategy}`);
        break;
      } catch (error) {
        // 55006: "source database is being accessed by other users", e.g. a build's session still closing.
        if (sqlState(error) !== '55006' || attempt >= CLONE_ATTEMPTS) throw error;
        options.onBusy?.(attempt);
        await sleep(50 * attempt);
      }
    }
  } finally {
    admin.release();
  }
  return { name, url: databaseUrl(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}
