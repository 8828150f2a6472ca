import { fileURLToPath } from 'node:url';
import { emptyDatabase, type HookedDatabase, type NodeRun, runNode, useEmptyDatabase } from '@tessera/test-server';
import { expect } from 'vitest';
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

export { emptyDatabase, useEmptyDatabase };

/**
 * A database of this test file's own, migrated by `tessera migrate` before its tests and dropped after
 * them. Its `url` and `query` are ready inside tests and hooks.
 */
export function useMigratedDatabase(): HookedDatabase {
  return useEmptyDatabase({
    setup: async (url) => {
      const migrated = await tessera(url, 'migrate');
      expect(migrated.code, migrated.stderr).toBe(0);
    },
  });
}
