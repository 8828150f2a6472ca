import type { ParseArgsConfig } from 'node:util';
import type { EngineOptions } from '@tessera/migrator';
import type { TesseraConfig } from './config.ts';

/** An open connection a command's preflight hands to its run, so the command still uses one connection. */
export type HandedConnection = NonNullable<EngineOptions['client']>;

/** What every command gets: its parsed options and positionals, the database URL, the config, and output helpers. */
export interface CommandContext {
  readonly url: string;
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: readonly string[];
  readonly out: (line?: string) => void;
  readonly err: (line: string) => void;
  /** Writes text to the output as it is, for a line finished later (progress). */
  readonly write: (text: string) => void;
  /** The environment of this run (`process.env` unless the run was given another). */
  readonly env: NodeJS.ProcessEnv;
  readonly config: TesseraConfig;
  /** The connection the command's {@link Command.preflight} opened and handed on, if it did. */
  readonly connection?: HandedConnection;
}

/** What a command's preflight gets: no config (it is not loaded yet), the manifest's path and the environment. */
export interface PreflightContext {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: readonly string[];
  readonly out: (line?: string) => void;
  readonly err: (line: string) => void;
  /** The migration manifest of the CLI's composition ({@link CliOptions.manifest}), if it has one. */
  readonly manifest: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/** A preflight's answer: the command is done (with this exit code), or its run goes on with this connection. */
export type Preflight = { readonly exitCode: number } | { readonly connection: HandedConnection };

/** What a command module provides once loaded. */
export interface Command {
  readonly options?: ParseArgsConfig['options'];
  /** Whether the command needs a database (every command but offline ones). Default true. */
  readonly needsDatabase?: boolean;
  /** Whether to wait (bounded backoff) for a database that does not answer yet. Default true. */
  readonly waitForDatabase?: boolean;
  /**
   * Answers before the config is loaded, when it can without it (a no-op `migrate` from the manifest); undefined
   * when it cannot, and then `run` follows as usual.
   */
  preflight?(ctx: PreflightContext): Promise<Preflight | undefined>;
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
