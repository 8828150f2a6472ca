export {
  idProperty,
  newId,
  notDeletedFilter,
  partitionKeyCreatedAt,
  softDeleteProperties,
  timestampProperties,
  updatedAtTrigger,
} from './base.ts';
export { checksOf, defineChecks, type FieldCheck, type RegisteredCheck } from './checks.ts';
export { type Composition, composeContexts, createOrm, ormOptions } from './compose.ts';
export { connectOrm } from './connect.ts';
export {
  type ConnectionSettings,
  connectionOptions,
  connectionSettings,
  DatabaseUnavailableError,
  DEFAULT_CONNECTION_SETTINGS,
  InvalidSettingError,
  redactSql,
  SlowQueryLogger,
  waitForDatabase,
} from './connection.ts';
export { flushNamingFields, withConstraintFields } from './constraint-fields.ts';
export {
  type ContextDefinition,
  type ContextModule,
  defineContext,
  type MigrationClass,
  type MigrationEntry,
  orderContexts,
} from './context.ts';
export {
  type MaterializedViewDeclaration,
  type PartitionedTableDeclaration,
  type RawObject,
  type RawObjectKind,
  type SeedContext,
  type Seeder,
  type SeederLoader,
  type SeedReport,
  tally,
} from './declarations.ts';
export { TesseraPostgreSqlDriver, TesseraPostgreSqlPlatform } from './driver.ts';
export { TesseraEntityManager } from './entity-manager.ts';
export {
  BatchValidationError,
  CheckViolationError,
  CompositionError,
  EntityFieldError,
  ForeignKeyViolationError,
  NotFoundError,
  NotNullViolationError,
  TesseraError,
  UniqueViolationError,
  ValidationError,
} from './errors.ts';
export { TesseraNamingStrategy } from './naming.ts';
export {
  defaultPartitionName,
  listMonthlyPartitions,
  type MonthlyPartition,
  type MonthlyPartitionedTable,
  maintainPartitions,
  monthlyPartitionName,
  type PartitionMaintenanceOptions,
  type PartitionMaintenanceResult,
  translatePartitionedError,
} from './partitions.ts';
export { currentUserSql } from './rls.ts';
export { IllegalStateError } from './state.ts';
export { translateDbError } from './translate.ts';
export {
  type BatchMode,
  propertyProblem,
  ValidationSubscriber,
  validateEntity,
  validateId,
  validateRows,
} from './validation.ts';
export {
  isJsonObject,
  isUuid,
  jsonObjectCheck,
  jsonProblem,
  kindOfColumnType,
  type ValueKind,
  valueProblem,
} from './values.ts';
export { refreshMaterializedViews } from './views.ts';
export { flushOrDetach, translated } from './write.ts';
