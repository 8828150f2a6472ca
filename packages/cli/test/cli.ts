import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NodeRun, runNode, useEmptyDatabase } from '@tessera/test-server';
import { run } from '../src/program.ts';

const bin = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));
/** The folder of the sample config (catalog only). */
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** The sample config itself, for runs that do not look for it from a working directory. */
export const fixtureConfig = join(fixtures, 'tessera.config.ts');

/** The outcome of one `tessera` run. */
export type CliResult = NodeRun;

/** Runs @tessera/cli's `tessera` in its own process, in `cwd`, with `env` added. */
export function tessera(cwd: string, env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> {
  return runNode(bin, args, { cwd, env: { ...process.env, TESSERA_FROM_SOURCE: '1', ...env } });
}

/** Runs the same `tessera` program in this process, with `env` added to this process's environment. */
export async function tesseraInProcess(env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...process.env, ...env },
  });
  return { code, stdout, stderr };
}

export { useEmptyDatabase };
