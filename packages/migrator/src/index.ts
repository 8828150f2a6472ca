export { createMigration, migrationsDir, pendingEntityChanges, writeMigrationIndex } from './authoring.ts';
export { type CatalogObject, catalogSnapshot, MAINTENANCE_PARTITION } from './catalog-snapshot.ts';
export { checkDrift, type DriftReport } from './drift.ts';
export {
  type ContextStatus,
  type EngineEvent,
  type EngineOptions,
  MigrationEngine,
  type PlannedMigration,
} from './engine.ts';
export {
  MigrationChecksumError,
  MigrationDefinitionError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  UnknownMigrationError,
} from './errors.ts';
export { type AppliedMigration, JOURNAL_SCHEMA } from './journal.ts';
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
export {
  checkObjectDrift,
  compareSnapshots,
  DriftScratchError,
  type ObjectDrift,
  SCRATCH_PREFIX,
} from './object-drift.ts';
export { describeMigrations, type OrderedMigration, orderMigrations } from './order.ts';
export { statementTarget } from './raw-objects.ts';
