import { fileURLToPath } from 'node:url';
import { type EmptyDatabase, emptyDatabase, type NodeRun, runNode } from '@tessera/test-server';
import { afterAll, beforeAll, expect } from 'vitest';
import { run } from '../src/program.ts';

const bin = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));

/** The outcome of one `tessera` run. */
export type CliResult = NodeRun;

/** Runs the real CLI (`script`, default the `tessera` bin) in its own process with exactly this environment. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv, script = bin): Promise<CliResult> {
  return runNode(script, args, { env });
}

/**
 * Runs `tessera` against `url` in this process: the same program the bin runs, with its output captured and its
 * exit code returned. What is about processes (several at once, a kill, the environment a process starts with) uses
 * {@link tesseraProcess} or {@link spawnCli}.
 */
export function tessera(url: string, ...args: string[]): Promise<CliResult> {
  return tesseraWith({}, url, ...args);
}

/** `tessera` in this process against `url`, with extra environment (e.g. TESSERA_MIGRATION_URL). */
export async function tesseraWith(env: NodeJS.ProcessEnv, url: string, ...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...process.env, DATABASE_URL: url, ...env },
  });
  return { code, stdout, stderr };
}

/** Runs the real CLI in its own process against `url`, with extra environment. */
export function tesseraProcess(url: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return spawnCli(args, { ...process.env, DATABASE_URL: url, TESSERA_FROM_SOURCE: '1', ...env });
}

export { emptyDatabase };

/**
 * A database of this test file's own, empty, created before its tests and dropped after them. Its `url` and
 * `query` are ready inside tests and hooks.
 */
export function useEmptyDatabase(): Omit<EmptyDatabase, 'drop'> {
  return useDatabase(async () => {});
}

/**
 * A database of this test file's own, migrated by `tessera migrate` before its tests and dropped after
 * them. Its `url` and `query` are ready inside tests and hooks.
 */
export function useMigratedDatabase(): Omit<EmptyDatabase, 'drop'> {
  return useDatabase(async (url) => {
    const migrated = await tessera(url, 'migrate');
    expect(migrated.code, migrated.stderr).toBe(0);
  });
}

/** A database of this test file's own, made ready by `setup` before its tests and dropped after them. */
function useDatabase(setup: (url: string) => Promise<void>): Omit<EmptyDatabase, 'drop'> {
  let db: EmptyDatabase | undefined;
  const current = (): EmptyDatabase => {
    if (!db) throw new Error('the database is ready only inside tests and hooks');
    return db;
  };
  beforeAll(async () => {
    db = await emptyDatabase();
    await setup(db.url);
  });
  afterAll(async () => {
    await db?.drop();
  });
  return {
    get url() {
      return current().url;
    },
    query: (sql, params) => current().query(sql, params),
  };
}
