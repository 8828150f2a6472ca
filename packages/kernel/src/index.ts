// Published types name @mikro-orm/postgresql, whose postgres-interval types use `Temporal`: bring its lib along so a
// consumer typechecks with skipLibCheck off and no extra lib of its own.
/// <reference lib="esnext.temporal" preserve="true" />
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
export { type Composition, composeContexts, createOrm, type OrmOverrides, ormOptions } from './compose.ts';
export { connectOrm } from './connect.ts';
export {
  type ConnectionSettings,
  connectionOptions,
  connectionSettings,
  connectWithRetry,
  DatabaseUnavailableError,
  DEFAULT_CONNECTION_SETTINGS,
  InvalidSettingError,
  redactSql,
  SlowQueryLogger,
  type WaitOptions,
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
  CHUNK_BYTES,
  type CopySource,
  type CopyValue,
  copyLine,
  copyOn,
  copyOnClient,
  copyRows,
  copyValue,
} from './copy.ts';
export {
  type ConnectionFailureKind,
  classifyConnectionError,
  DatabaseConnectionError,
  InvalidDatabaseUrlError,
  maskDatabaseUrl,
  POSTGRES_SCHEMES,
  parseDatabaseUrl,
  TRANSIENT_FAILURES,
} from './database-url.ts';
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
  decodeCursor,
  encodeCursor,
  idCursor,
  type KeysetPosition,
  type PageLimits,
  type PageOptions,
  pageLimit,
  pageOf,
} from './paging.ts';
export {
  defaultPartitionName,
  listMonthlyPartitions,
  type MonthlyPartition,
  type MonthlyPartitionedTable,
  maintainPartitions,
  monthlyPartitionName,
  PartitionChangedError,
  type PartitionMaintenanceOptions,
  type PartitionMaintenanceResult,
  translatePartitionedError,
} from './partitions.ts';
export {
  CONSISTENCIES,
  type Consistency,
  checkReplicas,
  consistencyOf,
  currentConsistency,
  currentScope,
  declareConsistency,
  formatLsn,
  isReplicaFailure,
  parseLsn,
  type ReadQueryable,
  ReadScope,
  ReplicaAwareDriver,
  ReplicaRouter,
  type ReplicaSample,
  type ReplicaSettings,
  type ReplicaState,
  type RepositoryConsistency,
  readConnection,
  replicaSettings,
  routerOf,
  withConsistency,
  withDefaultConsistency,
  withReadScope,
} from './replicas/index.ts';
export { currentUserSql } from './rls.ts';
export {
  type BatchOptions,
  batchOn,
  inTransaction,
  logged,
  onConnection,
  type SqlResult,
  type Statement,
  type Submit,
  sql,
  sqlBatch,
  sqlResult,
  statementName,
  translateSqlError,
} from './sql.ts';
export { IllegalStateError } from './state.ts';
export { translateDbError } from './translate.ts';
export { uniqueSuffix } from './unique.ts';
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
