// Published types name @mikro-orm/postgresql, whose postgres-interval types use `Temporal`: bring its lib along so a
// consumer typechecks with skipLibCheck off and no extra lib of its own.
/// <reference lib="esnext.temporal" preserve="true" />
/** @tessera/kernel: what every context builds on: composition, base properties, checks, typed errors, the SQL path, replicas. */

/** Base entity properties: UUIDv7 ids, timestamps, soft delete and its filter, the updated_at trigger. */
export {
  idProperty,
  newId,
  notDeletedFilter,
  partitionKeyCreatedAt,
  softDeleteProperties,
  timestampProperties,
  updatedAtTrigger,
} from './base.ts';
/** Application-side CHECK constraints, registered per table and enforced before a write. */
export { checksOf, defineChecks, type FieldCheck, type RegisteredCheck } from './checks.ts';
/** Composing contexts into one ORM configuration, and creating the ORM. */
export { type Composition, composeContexts, createOrm, type OrmOverrides, ormOptions } from './compose.ts';
/** What a service calls at start: wait for the database, then create the ORM. */
export { connectOrm } from './connect.ts';
/** Connection settings from the environment, waiting for the database, the slow-query log. */
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
/** Defining a context: its entities, migrations, raw objects and dependencies. */
export {
  type ContextDefinition,
  type ContextModule,
  defineContext,
  type MigrationClass,
  type MigrationEntry,
} from './context.ts';
/** Streaming rows into a table with COPY. */
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
/** Parsing, masking and classifying failures of database URLs. */
export {
  type ConnectionFailureKind,
  classifyConnectionError,
  DatabaseConnectionError,
  InvalidDatabaseUrlError,
  maskDatabaseUrl,
  parseDatabaseUrl,
} from './database-url.ts';
/** Declarations a context makes beyond entities (raw objects, partitioned tables, views) and seeding. */
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
/** The PostgreSQL platform whose errors become Tessera's typed errors. */
export { TesseraPostgreSqlPlatform } from './driver.ts';
/** The entity manager every ORM built here uses. */
export { TesseraEntityManager } from './entity-manager.ts';
/** The typed errors, each naming the entity and field. */
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
/** The naming strategy of tables, columns and constraints. */
export { TesseraNamingStrategy } from './naming.ts';
/** Page sizes, offset pages and keyset cursors, checked with typed errors. */
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
/** Monthly partitions: listing, creating ahead and dropping past a retention. */
export {
  listMonthlyPartitions,
  type MonthlyPartition,
  type MonthlyPartitionedTable,
  maintainPartitions,
  monthlyPartitionName,
  PartitionChangedError,
  type PartitionMaintenanceOptions,
  type PartitionMaintenanceResult,
} from './partitions.ts';
/** Read replicas: per-method read consistency, routing, lag checks and read-your-writes scopes. */
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
  ReplicaRouter,
  type ReplicaSample,
  type ReplicaSettings,
  type ReplicaState,
  type RepositoryConsistency,
  readConnection,
  replicaSettings,
  routerOf,
  withConsistency,
  withReadScope,
} from './replicas/index.ts';
/** The base of a context's repositories: the EntityManager every call works with. */
export { Repository } from './repository.ts';
/** The acting user in SQL: as an expression (triggers), and evaluated once per statement (policies). */
export { currentUserOnceSql, currentUserSql } from './rls.ts';
/** Running SQL on the kernel's path: bound parameters, the current transaction, the slow-query log, typed errors. */
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
  swapSettings,
} from './sql.ts';
/** An action the entity's state does not allow. */
export { IllegalStateError } from './state.ts';
/** Turning a database error into a typed error (from PostgreSQL's error fields), and declaring partitioned tables. */
export {
  declarePartitionedTable,
  type PgErrorFields,
  pgErrorOf,
  type TranslationHint,
  translateDbError,
} from './translate.ts';
/** Unique values for tests and seeds. */
export { uniqueSuffix } from './unique.ts';
/** Validating entities, rows and ids before a write. */
export {
  type BatchMode,
  propertyProblem,
  ValidationSubscriber,
  validateEntity,
  validateId,
  validateRows,
} from './validation.ts';
/** Value checks by column type (UUIDs, JSON objects, numbers, dates). */
export {
  isJsonObject,
  isUuid,
  jsonObjectCheck,
  jsonProblem,
  kindOfColumnType,
  type ValueKind,
  valueProblem,
} from './values.ts';
/** Refreshing materialized views. */
export { refreshMaterializedViews } from './views.ts';
/** Flushing with typed errors, detaching what failed. */
export { flushOrDetach, translated } from './write.ts';
