import type { Command as CliCommand } from '@tessera/cli';

/** What every command gets (the parsed options, the database URL, output helpers): @tessera/cli's own context. */
export type { CommandContext } from '@tessera/cli';

/** One platform command: a @tessera/cli command with its name and help line. Register it lazily in `index.ts`. */
export interface Command extends CliCommand {
  readonly name: string;
  /** One line for the help, after the name, e.g. `[--to NAME|0]  revert migrations`. */
  readonly help: string;
}

/** Bad arguments: the CLI prints the message and the usage, and exits 2 (the class @tessera/cli checks for). */
export { UsageError } from '@tessera/cli';
