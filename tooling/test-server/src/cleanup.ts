import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { commandLine, isAlive, stopPostmaster } from '@tessera/embedded-pg';
import type { Client } from 'pg';
import { dropDatabase, ident, withClient } from './admin.ts';
import { type OwnerFile, serversDir } from './embedded.ts';
import {
  BUILDING_MARK,
  CLONE_PREFIX,
  parseMark,
  templateLock,
  templateMark,
  templatePrefix,
  templateState,
} from './templates.ts';

/**
 * A complete template nobody used for this long is dropped: each change of the migrations makes a new one, and on a
 * long-lived server (a developer's, a CI machine's) they would pile up forever. `TESSERA_TEST_TEMPLATE_TTL_DAYS`;
 * `0` drops them when the run ends (for a job that leaves nothing on a shared server).
 */
function templateTtlSeconds(): number {
  const days = Number(process.env.TESSERA_TEST_TEMPLATE_TTL_DAYS ?? 7);
  return (Number.isFinite(days) && days >= 0 ? days : 7) * 86_400;
}

/** Drops databases and stops embedded servers that an earlier killed run left behind. */
export async function cleanupStale(adminUrl?: string): Promise<void> {
  await cleanupServerFolders();
  if (adminUrl) await cleanupDatabases(adminUrl);
}

async function cleanupServerFolders(): Promise<void> {
  const root = serversDir();
  let folders: string[];
  try {
    folders = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return;
  }
  for (const folder of folders) {
    const runDir = join(root, folder);
    const owner = await ownerPid(runDir, folder);
    // Unknown folders are not ours to delete; live owners still use theirs.
    if (owner === undefined || isAlive(owner)) continue;
    // `replica`: the standby of a replicated server (replica.ts) lives next to its primary.
    await stopRecordedPostmaster(join(runDir, 'replica'), folder);
    await stopRecordedPostmaster(join(runDir, 'data'), folder);
    await rm(runDir, { recursive: true, force: true });
  }
}

/** The owner from owner.json, else from the folder name `<pid>-<random>` (owner.json may not be written yet). */
async function ownerPid(runDir: string, folder: string): Promise<number | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(runDir, 'owner.json'), 'utf8')) as Partial<OwnerFile>;
    if (typeof owner.pid === 'number') return owner.pid;
  } catch {
    // fall through to the folder name
  }
  const match = /^(\d+)-[0-9a-f]+$/.exec(folder);
  return match ? Number(match[1]) : undefined;
}

/** Stops the postmaster recorded in `dataDir`, if it is still running. */
async function stopRecordedPostmaster(dataDir: string, folder: string): Promise<void> {
  let pidFile: string;
  try {
    pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(pidFile.split('\n')[0] ?? '', 10);
  if (!isAlive(pid)) return;
  // The pid may have been reused since the server died; only signal a process that runs on this folder.
  const command = commandLine(pid);
  if (command !== undefined && !command.includes(folder)) return;
  await stopPostmaster(pid);
}

async function cleanupDatabases(adminUrl: string): Promise<void> {
  const rows = await withClient(adminUrl, async (admin) => {
    const result = await admin.query<{ name: string; mark: string | null }>(
      `SELECT datname AS name, shobj_description(oid, 'pg_database') AS mark FROM pg_database`,
    );
    return result.rows;
  });
  const prefix = templatePrefix();
  for (const { name, mark } of rows) {
    if (name.startsWith(CLONE_PREFIX)) {
      const owner = /^tessera_t_(\d+)_/.exec(name);
      if (owner && !isAlive(Number(owner[1]))) await dropDatabase(adminUrl, name);
    } else if (name.startsWith(prefix) && !parseMark(mark).complete) {
      const builder = mark?.startsWith(BUILDING_MARK) ? Number(mark.slice(BUILDING_MARK.length)) : undefined;
      if (builder !== undefined && isAlive(builder)) continue;
      await dropAbandonedTemplate(adminUrl, name);
    } else if (name.startsWith(prefix) && isUnused(mark)) {
      await dropUnusedTemplate(adminUrl, name);
    }
  }
}

function isUnused(mark: string | null): boolean {
  return Math.floor(Date.now() / 1000) - parseMark(mark).usedAt >= templateTtlSeconds();
}

/**
 * Drops a complete template unused for longer than the TTL. Under its lock, and after reading its mark again: a run
 * that reuses it refreshes the mark under the same lock, so it never loses a template it is about to clone.
 */
async function dropUnusedTemplate(adminUrl: string, name: string): Promise<void> {
  await ifTemplateUnlocked(adminUrl, name, async (admin) => {
    const mark = await templateMark(admin, name);
    if (mark !== undefined && parseMark(mark).complete && isUnused(mark)) {
      // No FORCE: a session still connected means someone uses it after all.
      await admin.query(`DROP DATABASE IF EXISTS ${ident(name)}`).catch(() => {});
    }
  });
}

/**
 * Drops an incomplete template only if nobody holds its build lock: the builder may run on another machine
 * (its pid means nothing here), or may have created the database but not yet commented it.
 */
async function dropAbandonedTemplate(adminUrl: string, name: string): Promise<void> {
  await ifTemplateUnlocked(adminUrl, name, async (admin) => {
    if ((await templateState(admin, name)) === 'incomplete') {
      await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
    }
  });
}

/**
 * How long cleanup waits for a template's lock. Another run's cleanup or clone holds it for moments, and has often
 * dropped the template by the time the lock comes (the work then finds nothing); a builder holds it for its whole
 * build, and the wait ends without touching that template.
 */
const LOCK_WAIT_MS = 5_000;

/**
 * Runs `work` holding the template's lock, if it can be had within {@link LOCK_WAIT_MS}; otherwise does nothing.
 * (An advisory lock request obeys `lock_timeout`, whose expiry is SQLSTATE 55P03.)
 */
async function ifTemplateUnlocked(adminUrl: string, name: string, work: (admin: Client) => Promise<void>) {
  const lock = templateLock(name);
  await withClient(adminUrl, async (admin) => {
    const { rows } = await admin.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', lock);
    if (!rows[0]?.locked) {
      await admin.query(`SET lock_timeout = ${LOCK_WAIT_MS}`);
      const waited = await admin.query('SELECT pg_advisory_lock($1, $2)', lock).then(
        () => true,
        (error: { code?: string }) => {
          if (error.code === '55P03') return false;
          throw error;
        },
      );
      if (!waited) return;
    }
    try {
      await work(admin);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1, $2)', lock);
    }
  });
}
