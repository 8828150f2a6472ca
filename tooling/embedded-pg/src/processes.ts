import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Whether `pid` is a running process. Zombies count as gone: they never run again, and in containers whose
 * init does not reap orphans a stopped postmaster can stay a zombie forever.
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return processState(pid) !== 'Z';
}

/** The one-letter state from /proc (Linux only; undefined elsewhere). */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself contain spaces and ')', so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0) || undefined;
  } catch {
    return undefined;
  }
}

/** The command line of `pid`, or undefined when it cannot be read; guards against signalling a reused pid. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  }
}

/** Polls until `pid` is gone; false if it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** Sends `name` to `pid`; a process that is already gone is not an error. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const FAST_SHUTDOWN_MS = 30_000;
const IMMEDIATE_SHUTDOWN_MS = 10_000;

/**
 * Stops the postmaster `pid`: a fast shutdown (SIGINT: sessions are disconnected, the cluster is left clean), then an
 * immediate one (SIGQUIT) if it is still running after 30 s. Resolves once it is gone; a pid that is not running
 * resolves at once. Throws if it survives both.
 */
export async function stopPostmaster(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  await shutDown(pid, (ms) => waitForExit(pid, ms));
}

/** SIGINT, then SIGQUIT: `gone(ms)` tells whether the process ended within `ms`. */
export async function shutDown(pid: number, gone: (ms: number) => Promise<boolean>): Promise<void> {
  signal(pid, 'SIGINT');
  if (await gone(FAST_SHUTDOWN_MS)) return;
  signal(pid, 'SIGQUIT');
  if (await gone(IMMEDIATE_SHUTDOWN_MS)) return;
  throw new Error(`PostgreSQL (pid ${pid}) did not stop after SIGINT and SIGQUIT`);
}
