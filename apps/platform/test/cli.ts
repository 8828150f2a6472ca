import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type EmptyDatabase, emptyDatabase } from '@tessera/test-server';
import { afterAll, beforeAll, expect } from 'vitest';

const bin = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));

/** The outcome of one `tessera` process. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`script`, default the `tessera` bin) in its own process with exactly this environment. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv, script = bin): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the real CLI in its own process against `url`. */
export function tessera(url: string, ...args: string[]): Promise<CliResult> {
  return tesseraWith({}, url, ...args);
}

/** The real CLI against `url`, with extra environment (e.g. TESSERA_MIGRATION_URL). */
export function tesseraWith(env: NodeJS.ProcessEnv, url: string, ...args: string[]): Promise<CliResult> {
  return spawnCli(args, { ...process.env, DATABASE_URL: url, TESSERA_FROM_SOURCE: '1', ...env });
}

export { emptyDatabase };

/**
 * A database of this test file's own, migrated by the real `tessera migrate` before its tests and dropped after
 * them. Its `url` and `query` are ready inside tests and hooks.
 */
export function useMigratedDatabase(): Omit<EmptyDatabase, 'drop'> {
  let db: EmptyDatabase | undefined;
  const current = (): EmptyDatabase => {
    if (!db) throw new Error('the migrated database is ready only inside tests and hooks');
    return db;
  };
  beforeAll(async () => {
    db = await emptyDatabase();
    const migrated = await tessera(db.url, 'migrate');
    expect(migrated.code, migrated.stderr).toBe(0);
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
