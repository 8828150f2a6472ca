/** @tessera/cli: the `tessera` command and its in-process API for a service's own composition of contexts. */

/** The migration commands as functions (migrate, status, plan, check, down, history, resolve) on a config. */
export {
  type CheckResult,
  check,
  composition,
  down,
  history,
  migrate,
  plan,
  type RunOptions,
  resolve,
  status,
  writeManifest,
} from './api.ts';
/** What a command module provides, what it gets when it runs, and how it is registered. */
export { type Command, type CommandContext, type CommandEntry, UsageError } from './command.ts';
/** The config file's shape (`tessera.config.ts`) and its helper. */
export {
  type DatabaseHandle,
  defineConfig,
  type MigratedEvent,
  type ResolvedEvent,
  type RunConnection,
  type TesseraConfig,
} from './config.ts';
/** A config file that cannot be found or loaded. */
export { ConfigError } from './load-config.ts';
/** Runs the `tessera` command line with a program's own commands added. */
export { type CliIo, type CliOptions, runCli } from './run.ts';
/** Prints rows as an aligned text table (for command output). */
export { renderTable } from './table.ts';
