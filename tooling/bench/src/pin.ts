import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type pg from 'pg';

/** What {@link pinCpus} did, for the report, and how to undo it. */
export interface Pinning {
  /** One line for the report: which CPUs the server and the benchmark ran on, or why they were not pinned. */
  readonly line: string;
  /** Gives the server back the CPUs it had (the benchmark's own process simply ends). */
  restore(): void;
}

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '']);

/**
 * On one machine the server's backends and the benchmark compete for the same cores, and where the scheduler puts
 * each connection's backend (on the benchmark's core or the other) changes that connection's latency by up to a
 * fifth, for the whole run. Every library has its own connection, so that placement would decide ratios more than
 * the libraries do. Pinned, the server (its postmaster, so every backend it forks after this) runs on CPU 0 and
 * the benchmark (and the processes it starts) on the others, as if they ran on two hosts, and every library's
 * connection gets the same placement.
 *
 * It needs a local server whose data folder this user can read (its postmaster.pid), `taskset`, and two CPUs;
 * otherwise nothing is pinned and the line says why. Call it before opening the connections that are measured.
 */
export async function pinCpus(admin: pg.ClientBase, url: string): Promise<Pinning> {
  const cpus = availableParallelism();
  if (cpus < 2) return notPinned('one CPU');
  if (!LOCAL.has(new URL(url).hostname)) return notPinned('the server is not on this machine');
  let postmaster: number;
  let previous: string;
  try {
    const { rows } = await admin.query<{ dir: string }>("select current_setting('data_directory') as dir");
    postmaster = Number(readFileSync(`${rows[0]?.dir}/postmaster.pid`, 'utf8').split('\n')[0]);
    previous =
      taskset(['-p', String(postmaster)])
        .split(':')
        .at(-1)
        ?.trim() ?? '';
    taskset(['-a', '-p', '-c', '0', String(postmaster)]);
  } catch (error) {
    return notPinned(firstLine(error));
  }
  const own = cpus === 2 ? '1' : `1-${cpus - 1}`;
  try {
    taskset(['-a', '-p', '-c', own, String(process.pid)]);
  } catch (error) {
    taskset(['-a', '-p', previous, String(postmaster)]);
    return notPinned(firstLine(error));
  }
  const restore = () => {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    try {
      taskset(['-a', '-p', previous, String(postmaster)]);
    } catch {
      // The server has stopped (a test server the run started and stopped): nothing to give back.
    }
  };
  // Interrupted, the server still gets its CPUs back (a kill -9 cannot be caught: `taskset -a -p MASK PID` then).
  const interrupted = (signal: NodeJS.Signals) => {
    restore();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return { line: `server pinned to CPU 0, the benchmark to CPU ${own} (taskset)`, restore };
}

/** Nothing pinned, and why (for the report). */
export function notPinned(why: string): Pinning {
  return { line: `CPUs not pinned (${why})`, restore: () => {} };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown';
}

function taskset(args: string[]): string {
  return execFileSync('taskset', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
