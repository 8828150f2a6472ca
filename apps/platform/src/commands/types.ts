import type { ParseArgsConfig } from 'node:util';

/** What every command gets: its parsed options and positionals, the database URL, and output helpers. */
export interface CommandContext {
  readonly url: string;
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: readonly string[];
  readonly out: (line?: string) => void;
  readonly err: (line: string) => void;
}

/** One `tessera` command of the platform. Register it (lazily) in `commands/index.ts`. */
export interface Command {
  readonly name: string;
  /** One line for the help, after the name, e.g. `[--to NAME|0]  revert migrations`. */
  readonly help: string;
  readonly options?: ParseArgsConfig['options'];
  /** Whether the command needs a database (every command but offline ones). Default true. */
  readonly needsDatabase?: boolean;
  /** Whether to wait (bounded backoff) for a database that does not answer yet. Default true. */
  readonly waitForDatabase?: boolean;
  /** Returns the exit code. Throw a {@link UsageError} for bad arguments (exit 2). */
  run(ctx: CommandContext): Promise<number>;
}

/** Bad arguments: the CLI prints the message and the usage, and exits 2 (the class @tessera/cli checks for). */
export { UsageError } from '@tessera/cli';
