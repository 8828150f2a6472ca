/** @tessera/cli: the `tessera` command and its in-process API for a service's own composition of contexts. */
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
  withEngine,
  writeManifest,
} from './api.ts';
export {
  type Command,
  type CommandContext,
  type CommandEntry,
  type HandedConnection,
  type Preflight,
  type PreflightContext,
  UsageError,
} from './command.ts';
export { migrationCommands } from './commands/index.ts';
export {
  type DatabaseHandle,
  defineConfig,
  type MigratedEvent,
  type ResolvedEvent,
  type RunConnection,
  type TesseraConfig,
} from './config.ts';
export { openDatabase } from './database.ts';
export { CONFIG_FILES, ConfigError, findConfig, loadConfig } from './load-config.ts';
export { type CliOptions, commandList, runCli } from './run.ts';
export { renderTable } from './table.ts';
