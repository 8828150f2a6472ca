export { createMigration, migrationsDir, pendingEntityChanges, writeMigrationIndex } from './authoring.ts';
export { type CatalogObject, catalogSnapshot, MAINTENANCE_PARTITION } from './catalog-snapshot.ts';
export { checkDrift, type DriftReport } from './drift.ts';
export {
  type ContextStatus,
  type EngineEvent,
  type EngineOptions,
  MigrationEngine,
  migrationChecksums,
  type PlannedMigration,
  type Resolution,
} from './engine.ts';
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
export { describeHolder, type LockHolder } from './holders.ts';
export { type InvalidIndex, listInvalidIndexes } from './indexes.ts';
export { type AppliedMigration, type FailedMigration, JOURNAL_SCHEMA } from './journal.ts';
export {
  type Acknowledgements,
  BASELINE_FILE,
  formatFinding,
  type LintBaseline,
  type LintFinding,
  type LintTarget,
  lintMigrations,
  notAccepted,
  readBaseline,
  SQUAWK_EXCLUDED,
  SquawkUnavailableError,
  TESSERA_RULES,
  writeBaseline,
} from './lint/index.ts';
export { backoffMs, migrationLockHolder, type PollOptions } from './lock.ts';
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
  compareSnapshots,
  DriftScratchError,
  type ObjectDrift,
  SCRATCH_PREFIX,
} from './object-drift.ts';
export { describeMigrations, type OrderedMigration, orderMigrations } from './order.ts';
export { statementTarget } from './raw-objects.ts';
export {
  DEFAULT_MIGRATION_SETTINGS,
  type MigrationSettings,
  migrationSettings,
  migrationUrl,
  parseDuration,
} from './settings.ts';
