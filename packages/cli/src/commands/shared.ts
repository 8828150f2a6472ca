import type { EngineEvent } from '@tessera/migrator';
import type { RunOptions } from '../api.ts';
import { type CommandContext, UsageError } from '../command.ts';

/** The `--lock-timeout SECONDS` option of the commands that take the migration lock. */
export const lockTimeoutOption = { 'lock-timeout': { type: 'string' as const } };

/** The `--lock-timeout` in milliseconds (default 10 minutes); a usage error when it is not a positive number. */
export function lockTimeoutMs(ctx: Pick<CommandContext, 'values'>): number {
  const raw = ctx.values['lock-timeout'];
  const seconds = raw === undefined ? 600 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError('--lock-timeout must be a positive number of seconds');
  }
  return seconds * 1000;
}

/** Prints the engine's progress: lock waits, and one line per migration with its duration. */
function progress({ out, write }: Pick<CommandContext, 'out' | 'write'>) {
  return (event: EngineEvent): void => {
    switch (event.type) {
      case 'lock-waiting':
        out(
          `waiting for the migration lock (held by another run${event.holderPid ? `, backend pid ${event.holderPid}` : ''})…`,
        );
        break;
      case 'lock-acquired':
        if (event.waitedMs > 100) out(`lock acquired after ${(event.waitedMs / 1000).toFixed(1)}s`);
        break;
      case 'migration-start':
        write(
          `[${event.index}/${event.total}] ${event.direction === 'up' ? '↑' : '↓'} ${event.context.padEnd(12)} ${event.name}` +
            `${event.transactional ? '' : ' (non-transactional)'}${event.outOfOrder ? ' (out of order)' : ''} … `,
        );
        break;
      case 'migration-done':
        out(`done in ${Math.round(event.ms)} ms`);
        break;
      case 'lock-retry':
        out(`lock_timeout (${event.lockTimeoutMs} ms) hit; trying again (${event.attempt}/${event.of}) … `);
        break;
      case 'index-repaired':
        out(`rebuilt the invalid index ${event.index} (${event.statement})`);
        break;
    }
  };
}

/** The run options of a command: its URL, progress on stdout, and `--lock-timeout` if it has one. */
export function runOptions(ctx: CommandContext, withLock = false): RunOptions {
  return {
    url: ctx.url,
    env: ctx.env,
    onEvent: progress(ctx),
    notice: ctx.err,
    ...(withLock ? { lockTimeoutMs: lockTimeoutMs(ctx) } : {}),
    ...(ctx.connection ? { client: ctx.connection } : {}),
  };
}

/** Migration commands wait for the server on their own connection, so `openDatabase` need not probe it first. */
export const waitForDatabase = false;
