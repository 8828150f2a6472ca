import type { ParseArgsConfig } from 'node:util';
import type { TesseraConfig } from './config.ts';

/** What every command gets: its parsed options and positionals, the database URL, the config, and output helpers. */
export interface CommandContext {
  readonly url: string;
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: readonly string[];
  readonly out: (line?: string) => void;
  readonly err: (line: string) => void;
  readonly config: TesseraConfig;
}

/** What a command module provides once loaded. */
export interface Command {
  readonly options?: ParseArgsConfig['options'];
  /** Whether the command needs a database (every command but offline ones). Default true. */
  readonly needsDatabase?: boolean;
  /** Whether to wait (bounded backoff) for a database that does not answer yet. Default true. */
  readonly waitForDatabase?: boolean;
  /** Returns the exit code. Throw a {@link UsageError} for bad arguments (exit 2). */
  run(ctx: CommandContext): Promise<number>;
}

/**
 * One registered command: its name and help line are known without loading it, so `--help` and every other
 * command stay fast; `load` imports its module only when it runs.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for the help, after the name: `[--to NAME|0]  revert migrations` (arguments, two spaces, text). */
  readonly help: string;
  load(): Promise<Command>;
}

/** Bad arguments: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
