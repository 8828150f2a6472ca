import { EntityMetadata, type EntityName, type MetadataStorage } from '@mikro-orm/core';
import { checkByConstraint, checksOf } from './checks.ts';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  TesseraError,
  UniqueViolationError,
  ValidationError,
} from './errors.ts';

/**
 * The kernel's one translator from a PostgreSQL error to its typed errors. It reads the fields PostgreSQL sends
 * with an error (SQLSTATE code, schema, table, column, constraint, data type), which node-postgres puts on its
 * DatabaseError and MikroORM copies onto its DriverException, and what the failed statement writes (recorded from
 * its SQL text by the kernel's SQL paths and the driver, see {@link noteStatement}); it never reads the message,
 * which PostgreSQL translates into the server's language.
 */

/** The fields of a PostgreSQL error report that the translator reads. */
export interface PgErrorFields {
  /** The SQLSTATE, e.g. `23505`. */
  readonly code: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly dataType?: string;
}

/** What the caller knows about a write, to name the entity of an error PostgreSQL reports without a table. */
export interface TranslationHint {
  /** The entity the write is about: its class or definition, its metadata, or its name. */
  // biome-ignore lint/suspicious/noExplicitAny: any entity
  readonly entity?: EntityName<any> | EntityMetadata<any> | string;
  /** Or the schema-qualified table it writes (`executions.execution_logs`). */
  readonly table?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: metadata of any entity
type AnyMeta = EntityMetadata<any>;

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The PostgreSQL error report in `error`: the error itself when it carries the fields (pg's DatabaseError,
 * MikroORM's DriverException, which copies them), else the nearest one in its `cause` chain.
 */
export function pgErrorOf(error: unknown): PgErrorFields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as Record<string, unknown>;
    const code = typeof e.sqlState === 'string' ? e.sqlState : e.code;
    if (typeof code === 'string' && SQLSTATE.test(code) && typeof e.severity === 'string') {
      const text = (key: string) => (typeof e[key] === 'string' ? (e[key] as string) : undefined);
      return {
        code,
        schema: text('schema'),
        table: text('table'),
        column: text('column'),
        constraint: text('constraint'),
        dataType: text('dataType'),
      };
    }
    current = e.cause;
  }
  return undefined;
}

/** Partitioned tables, keyed by schema: declared by the contexts (`partitionedTables`), see {@link declarePartitionedTable}. */
const partitioned = new Map<string, Set<string>>();

/**
 * Records a monthly-partitioned table so an error about one of its partitions (`<table>_default`,
 * `<table>_pYYYYMM`, the names partition maintenance gives them) is reported against the table's entity.
 * `defineContext` calls it for every table a context declares.
 */
export function declarePartitionedTable(schema: string, table: string): void {
  const tables = partitioned.get(schema) ?? new Set<string>();
  tables.add(table);
  partitioned.set(schema, tables);
}

/** The partitioned table `table` is a partition of, by the declared list; `table` itself otherwise. */
function parentTable(schema: string | undefined, table: string): string {
  for (const parent of schema === undefined ? [] : (partitioned.get(schema) ?? [])) {
    if (!table.startsWith(`${parent}_`)) continue;
    const suffix = table.slice(parent.length + 1);
    if (suffix === 'default' || /^p\d{6}$/.test(suffix)) return parent;
  }
  return table;
}

/** The entity on `schema.table` (a partition counts as its parent table). */
function metaOfTable(metadata: MetadataStorage, schema: string | undefined, table: string): AnyMeta | undefined {
  const bare = parentTable(schema, table);
  const all = [...metadata.getAll().values()].filter((m) => !m.embeddable && !m.virtual);
  if (schema !== undefined) return all.find((m) => m.schema === schema && m.tableName === bare);
  const candidates = all.filter((m) => m.tableName === bare);
  return candidates.length === 1 ? candidates[0] : undefined;
}

function metaOfHint(metadata: MetadataStorage, hint: TranslationHint | undefined): AnyMeta | undefined {
  const entity = hint?.entity;
  if (entity === undefined) {
    const [schema, table] = hint?.table?.replaceAll('"', '').split('.') ?? [];
    return schema && table ? metaOfTable(metadata, schema, table) : undefined;
  }
  if (entity instanceof EntityMetadata) return entity;
  if (typeof entity === 'string') {
    const named = [...metadata.getAll().values()].filter((m) => m.className === entity);
    return named.length === 1 ? named[0] : undefined;
  }
  return metadata.find(entity as EntityName<object>) as AnyMeta | undefined;
}

function propertyOfColumn(meta: AnyMeta | undefined, column: string): string {
  return meta?.props.find((p) => p.fieldNames?.includes(column))?.name ?? column;
}

/**
 * The properties a unique or foreign-key constraint covers, from its name: constraints are named by the naming
 * strategy (`uq_<table>_<columns>`, `fk_<table>_<columns>`), so the columns follow the table's name. PostgreSQL
 * leaves the `Key (…)` detail out when the session may not read the row (row-level security), but always sends
 * the constraint's name. The columns are read off that sequence from the left; a name cut short at PostgreSQL's
 * 63-byte limit yields the columns read before the cut.
 */
function propertiesOfConstraint(
  meta: AnyMeta | undefined,
  constraint: string | undefined,
  table: string | undefined,
): string[] {
  if (!meta || !constraint) return [];
  const named = meta.uniques?.find((u) => u.name === constraint);
  if (named?.properties) return [named.properties].flat().map(String);
  let columns: string | undefined;
  const prefix = /^(fk|uq|pk)_/.exec(constraint)?.[1];
  if (prefix && constraint.startsWith(`${prefix}_${meta.tableName}`)) {
    columns = constraint.slice(prefix.length + 1 + meta.tableName.length + 1);
  } else if (table !== undefined && table !== meta.tableName && constraint.startsWith(`${table}_`)) {
    // A partition's copy of the parent's unique index is named by PostgreSQL: `<partition>_<columns>_key`.
    columns = constraint.slice(table.length + 1).replace(/_(key|pkey)$/, '');
    if (constraint.endsWith('_pkey')) columns = '';
  }
  if (columns === undefined) return [];
  if (prefix === 'pk' || columns === '') return meta.primaryKeys.map(String);
  // Read the column names off the sequence from the left, longest match first (`team_id` is the team, not `id`).
  const columnsOf = meta.props
    .filter((p) => (p.fieldNames ?? []).length > 0)
    .map((p) => ({ name: p.name, joined: p.fieldNames.join('_') }))
    .sort((x, y) => y.joined.length - x.joined.length);
  const fields: string[] = [];
  let rest = columns;
  while (rest !== '') {
    const next = columnsOf.find((c) => rest === c.joined || rest.startsWith(`${c.joined}_`));
    if (!next) return fields.length > 0 ? fields : [];
    fields.push(next.name);
    rest = rest.slice(next.joined.length + 1);
  }
  return fields;
}

/** The entity a foreign key property of `meta` points at. */
function referencedMeta(meta: AnyMeta | undefined, fields: readonly string[]): AnyMeta | undefined {
  const prop = fields[0] === undefined ? undefined : meta?.properties[fields[0]];
  return prop?.targetMeta as AnyMeta | undefined;
}

/** What a failed statement wrote: its command and table, read off the statement's own SQL text. */
interface StatementWrite {
  readonly command: 'insert' | 'update' | 'delete';
  readonly schema: string | undefined;
  readonly table: string;
}

/** The property a database error carries its {@link StatementWrite} in (MikroORM copies it onto its exception). */
const WRITE_KEY = 'tesseraStatementWrite';

const IDENTIFIER = String.raw`(?:"(?:[^"]|"")+"|[\w$]+)`;
const WRITE_STATEMENT = new RegExp(
  String.raw`^\s*(insert\s+into|update|delete\s+from)\s+(?:only\s+)?(${IDENTIFIER})(?:\.(${IDENTIFIER}))?`,
  'i',
);

const unquote = (identifier: string) =>
  identifier.startsWith('"') ? identifier.slice(1, -1).replaceAll('""', '"') : identifier.toLowerCase();

/**
 * Records on a database error what the statement that raised it writes (its command and table, nothing else: no
 * values), read off the statement's SQL text, which the caller sent. The translator needs it to tell the two
 * directions of a foreign key violation apart; see {@link isStillReferenced}. A statement that starts otherwise (a
 * `with`, a `select` of a function, a COPY) records nothing.
 */
export function noteStatement(error: unknown, text: string): void {
  if (typeof error !== 'object' || error === null || Object.hasOwn(error, WRITE_KEY)) return;
  const match = WRITE_STATEMENT.exec(text);
  if (!match) return;
  const [, command = '', first = '', second] = match;
  const write: StatementWrite = {
    command: command.slice(0, 6).toLowerCase() as StatementWrite['command'],
    schema: second === undefined ? undefined : unquote(first),
    table: unquote(second ?? first),
  };
  Object.defineProperty(error, WRITE_KEY, { value: Object.freeze(write), enumerable: false, configurable: true });
}

/** The {@link StatementWrite} recorded on `error` or the nearest error of its `cause` chain. */
function writeOf(error: unknown): StatementWrite | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const write = (current as Record<string, unknown>)[WRITE_KEY];
    if (write !== undefined) return write as StatementWrite;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const writesTable = (write: StatementWrite, schema: string | undefined, table: string) =>
  write.table === table && (write.schema === undefined || schema === undefined || write.schema === schema);

/**
 * Whether a 23503 is about deleting (or re-keying) a row that is still referenced rather than writing a reference
 * to a row that does not exist. PostgreSQL puts the same fields on both (the referencing table and the constraint;
 * from PostgreSQL 18 the RESTRICT rule has a code of its own, 23001), and only its words differ, which the
 * translator does not read. So the statement decides: a DELETE can only leave a reference behind (directly, or
 * through a cascade); an UPDATE of the referenced table, not the referencing one, changed a key still in use; an
 * INSERT, an UPDATE of the referencing table (or of another one whose trigger wrote the reference), a COPY, or a
 * statement nobody recorded ({@link noteStatement}) wrote a reference to a missing row.
 */
function isStillReferenced(
  e: PgErrorFields,
  write: StatementWrite | undefined,
  referencing: string | undefined,
  referenced: AnyMeta | undefined,
): boolean {
  if (e.code === '23001' || write?.command === 'delete') return true;
  if (write?.command !== 'update' || referencing === undefined) return false;
  const ofReferencing = writesTable(write, e.schema, referencing);
  const ofReferenced = referenced ? writesTable(write, referenced.schema, referenced.tableName) : !ofReferencing;
  return ofReferenced && !ofReferencing;
}

/** SQLSTATE class 22 (data exception): the input cannot be stored in the column's type. */
const isDataException = (code: string) => code.startsWith('22');

/**
 * Turns a PostgreSQL constraint or input error into the typed Tessera error that names the entity and field:
 * unique (23505), foreign key (23503, 23001), check (23514), not-null (23502) and data errors (class 22: a value
 * too long, out of range, of invalid syntax). The entity is the one on the error's schema-qualified table (a
 * partition counts as its declared parent table); PostgreSQL names no table for a data error, so there it is
 * `hint.entity`. Returns the error unchanged when it is none of those (a connection failure, say), or already typed.
 */
export function translateDbError(error: unknown, metadata: MetadataStorage, hint?: TranslationHint): unknown {
  if (error instanceof TesseraError || !(error instanceof Error)) return error;
  const e = pgErrorOf(error);
  if (!e) return error;
  const byTable = e.table === undefined ? undefined : metaOfTable(metadata, e.schema, e.table);
  const meta = byTable ?? metaOfHint(metadata, hint);
  const entity = meta?.className ?? (e.table === undefined ? 'unknown entity' : parentTable(e.schema, e.table));
  const options = { cause: error };
  switch (e.code) {
    case '23505':
      return new UniqueViolationError(
        entity,
        propertiesOfConstraint(byTable, e.constraint, e.table),
        e.constraint,
        options,
      );
    // 23001 (restrict_violation): PostgreSQL 18 reports ON DELETE/UPDATE RESTRICT with its own code.
    case '23001':
    case '23503': {
      const fields = propertiesOfConstraint(byTable, e.constraint, e.table);
      const target = referencedMeta(byTable, fields);
      const referencing = e.table === undefined ? undefined : parentTable(e.schema, e.table);
      if (isStillReferenced(e, writeOf(error), referencing, target)) {
        // The error's table is the referencing one; the row being deleted belongs to the referenced one.
        return new ForeignKeyViolationError(
          target?.className ?? 'unknown entity',
          target ? target.primaryKeys.map(String) : [],
          `is still referenced by ${entity} (${e.constraint ?? 'a foreign key'})`,
          e.constraint,
          options,
        );
      }
      const targetName = target?.className ?? 'row';
      return new ForeignKeyViolationError(
        entity,
        fields,
        `references a ${targetName} that does not exist`,
        e.constraint,
        options,
      );
    }
    case '23514': {
      const table = byTable?.tableName ?? (e.table === undefined ? undefined : parentTable(e.schema, e.table));
      const known =
        table === undefined ? undefined : checksOf(e.schema, table).find((c) => c.constraint === e.constraint);
      if (known) return new CheckViolationError(entity, [known.property], known.constraint, known.message, options);
      // Raised without a table (by a trigger, say): the check is found by its name, within the schema if given.
      const named = table === undefined && e.constraint ? checkByConstraint(e.constraint, e.schema) : undefined;
      if (named) {
        const { check } = named;
        return new CheckViolationError(named.entity, [check.property], check.constraint, check.message, options);
      }
      const constraint = e.constraint ?? 'unknown';
      return new CheckViolationError(entity, [], constraint, `violates check ${constraint}`, options);
    }
    case '23502':
      return new NotNullViolationError(entity, propertyOfColumn(meta, e.column ?? 'unknown'), options);
    default:
      if (!isDataException(e.code)) return error;
      return new ValidationError(
        entity,
        e.column ? propertyOfColumn(meta, e.column) : 'value',
        `${dataProblem(e.code)} (${error.message})`,
        options,
      );
  }
}

/** What a data exception means, by its SQLSTATE. */
function dataProblem(code: string): string {
  switch (code) {
    case '22001':
      return 'is too long for its column';
    case '22003':
      return 'is out of range for its column';
    case '22007':
    case '22008':
      return 'is not a valid date or time';
    case '22P02':
      return 'is not valid input for its column type';
    case '22P05':
    case '22021':
      return 'contains characters the database cannot store';
    default:
      return 'is not a value the database accepts';
  }
}
