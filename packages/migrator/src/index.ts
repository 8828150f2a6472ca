/** @tessera/migrator: the migration engine (locks, journal, checksums, resolve), authoring, drift checks and migration lint. */

/** Writing a new migration from the entities' pending changes. */
export { createMigration, pendingEntityChanges } from './authoring.ts';
/** One database object as the object drift check compares it. */
export type { CatalogObject } from './catalog-snapshot.ts';
/** Entity drift: the database against the entities. */
export { checkDrift, type DriftReport } from './drift.ts';
/** The migration engine: plan, apply under a lock, revert, history, status, resolve. */
export {
  type ContextStatus,
  type EngineEvent,
  type EngineOptions,
  MigrationEngine,
  migrationChecksums,
  type PlannedMigration,
  type Resolution,
} from './engine.ts';
/** The typed errors of migration runs. */
export {
  type LockWait,
  MigrationChecksumError,
  MigrationDefinitionError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationLockWaitError,
  MigrationNeedsResolveError,
  MigrationResolveError,
  MigrationTransactionPoolerError,
  UnknownMigrationError,
} from './errors.ts';
/** A session holding a lock a run waits for. */
export type { LockHolder } from './holders.ts';
/** An index a failed concurrent build left invalid. */
export type { InvalidIndex } from './indexes.ts';
/** Applied and failed migrations as the journal records them. */
export type { AppliedMigration, FailedMigration } from './journal.ts';
/** Migration lint (squawk and Tessera's own rules) and its accepted baseline. */
export {
  type Acknowledgements,
  type LintBaseline,
  type LintFinding,
  type LintTarget,
  lintMigrations,
  notAccepted,
  readBaseline,
  SquawkUnavailableError,
  writeBaseline,
} from './lint/index.ts';
/** How a run polls for the migration lock. */
export type { PollOptions } from './lock.ts';
/** Object drift: the database against what the migrations create. */
export {
  checkUpToDate,
  MANIFEST_FORMAT,
  type ManifestSource,
  type MigrationManifest,
  manifestSources,
  readManifest,
  type UpToDate,
} from './manifest.ts';
export {
  checkObjectDrift,
  DriftScratchError,
  type ObjectDrift,
  SCRATCH_PREFIX,
} from './object-drift.ts';
/** Ordering migrations across contexts by their dependencies. */
export { describeMigrations, type OrderedMigration, orderMigrations } from './order.ts';
/** The object a raw SQL statement creates, alters or drops. */
export { statementTarget } from './raw-objects.ts';
/** Refusing a transaction pooler for work that needs a server session of its own. */
export { assertSessionUrl } from './session.ts';
/** Migration settings from the environment, and the URL migrations use. */
export {
  DEFAULT_MIGRATION_SETTINGS,
  type MigrationSettings,
  migrationSettings,
  migrationUrl,
} from './settings.ts';
