import type { Command as CliCommand } from '@tessera/cli';

/** What every command gets (the parsed options, the database URL, output helpers): @tessera/cli's own context. */
export type { CommandContext } from '@tessera/cli';

/** One platform command: a @tessera/cli command. Register it, with its name and help line, in `index.ts`. */
export type Command = CliCommand;

/** Bad arguments: the CLI prints the message and the usage, and exits 2 (the class @tessera/cli checks for). */
export { UsageError } from '@tessera/cli';
