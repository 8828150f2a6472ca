import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cloneDatabase, ensureTemplate } from '@tessera/test-server';
import pg from 'pg';

const bin = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));

/** The outcome of one `tessera` process. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in its own process against `url`. */
export function tessera(url: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: url, TESSERA_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

/** A fresh empty database and a raw `pg` pool on it. */
export async function emptyDatabase() {
  const admin = process.env.TESSERA_TEST_ADMIN_URL;
  if (!admin) throw new Error('TESSERA_TEST_ADMIN_URL is not set (run through the shared vitest config)');
  const db = await cloneDatabase(admin, await ensureTemplate(admin, 'empty', async () => {}));
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // Dropping the database (WITH FORCE) terminates sessions that are still closing; that is expected.
  pool.on('error', () => {});
  return {
    url: db.url,
    query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows,
    async drop() {
      await pool.end();
      await db.drop();
    },
  };
}
