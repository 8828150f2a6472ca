import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

export { testAdminUrl } from '../src/empty.ts';

/** Runs one statement on a fresh connection and returns its rows. */
export async function query<T = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Whether database `name` exists on the server. */
export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const rows = await query(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}

/** Drops a database the test created, whatever state it is in. */
export async function dropIfExists(adminUrl: string, name: string): Promise<void> {
  await query(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * Whether a process is running. Written independently of the code under test; a zombie counts as gone
 * because this machine's init does not reap orphans.
 */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** The pid of a process that has already exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('could not spawn a process');
  return child.pid;
}

/** Resolves with the exit code of a child process. */
export function exited(child: ReturnType<typeof spawn>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Resolves with the first stdout line of `child` that satisfies `match`. */
export function lineFrom(child: ReturnType<typeof spawn>, match: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const found = lines.find(match);
      if (found !== undefined) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before the expected line\n${stderr}`)));
  });
}
