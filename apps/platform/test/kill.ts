import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/**
 * Runs the CLI (its own process, not a wrapper) with `TESSERA_OPS_PAUSE_AT=point` until it reports that it
 * paused there, then kills it with SIGKILL. Resolves with whether the point was reached, and the output.
 */
export function tesseraKilledAt(url: string, point: string, ...args: string[]) {
  return new Promise<{ reached: boolean; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@tessera/source', cli, ...args], {
      env: { ...process.env, DATABASE_URL: url, TESSERA_OPS_PAUSE_AT: point },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let reached = false;
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (!reached && output.includes(`paused at ${point}`)) {
        reached = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => resolve({ reached, output }));
  });
}
