import type { EntityMetadata, MetadataStorage } from '@mikro-orm/core';
import { checkByConstraint } from './checks.ts';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  TesseraError,
  UniqueViolationError,
  ValidationError,
} from './errors.ts';

/** The fields node-postgres puts on a server error (MikroORM copies them onto its exception). */
interface PgErrorFields {
  code?: string;
  sqlState?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  detail?: string;
  message: string;
}

// biome-ignore lint/suspicious/noExplicitAny: metadata of any entity
type AnyMeta = EntityMetadata<any>;

function findMeta(
  metadata: MetadataStorage,
  schema: string | undefined,
  table: string | undefined,
): AnyMeta | undefined {
  if (!table) return undefined;
  for (const meta of metadata.getAll().values()) {
    if (meta.tableName === table && (!schema || !meta.schema || meta.schema === schema)) return meta;
  }
  return undefined;
}

function propertyOf(meta: AnyMeta | undefined, column: string): string {
  const prop = meta?.props.find((p) => p.fieldNames?.includes(column));
  return prop?.name ?? column;
}

function keyColumns(detail: string | undefined): string[] {
  const match = /^Key \(([^)]*)\)=/.exec(detail ?? '');
  return match?.[1] ? match[1].split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : [];
}

function entityName(meta: AnyMeta | undefined, table: string | undefined): string {
  return meta?.className ?? table ?? 'unknown entity';
}

/**
 * MikroORM checks enum values and scalar types itself when an entity is created or flushed, before any
 * Tessera validator runs; its error names the property only in prose. Re-issue it as a typed error.
 */
function fromOrmValidation(error: Error, metadata: MetadataStorage): ValidationError | undefined {
  if (error.name !== 'ValidationError') return undefined;
  const match = /^Trying to set (\w+)\.([\w.]+) of type '([^']*)' to (.*) of type '[^']*'$/s.exec(error.message);
  if (!match) return undefined;
  const [, entity = '', property = '', expected, given] = match;
  const meta = [...metadata.getAll().values()].find((m) => m.className === entity);
  const items = meta?.properties[property]?.items;
  const problem =
    Array.isArray(items) && items.length > 0
      ? `must be one of ${items.join(', ')} (got ${given})`
      : `must be of type ${expected} (got ${given})`;
  return new ValidationError(entity, property, problem, { cause: error });
}

/**
 * Turns a PostgreSQL constraint or input error into the typed Tessera error that names the entity and
 * field. Returns the error unchanged when it is not one of those (a connection failure, say).
 */
export function translateDbError(error: unknown, metadata: MetadataStorage): unknown {
  if (error instanceof TesseraError || !(error instanceof Error)) return error;
  const wrongType = fromOrmValidation(error, metadata);
  if (wrongType) return wrongType;
  const e = error as Error & PgErrorFields;
  const code = e.sqlState ?? e.code;
  const meta = findMeta(metadata, e.schema, e.table);
  const entity = entityName(meta, e.table);
  switch (code) {
    case '23505': {
      const fields = keyColumns(e.detail).map((c) => propertyOf(meta, c));
      return new UniqueViolationError(entity, fields, e.constraint, { cause: error });
    }
    // 23001 (restrict_violation): PostgreSQL 18 reports ON DELETE/UPDATE RESTRICT with its own code.
    case '23001':
    case '23503': {
      const fields = keyColumns(e.detail).map((c) => propertyOf(meta, c));
      const stillReferenced = /(?:still )?referenced from table "([^"]+)"/.exec(e.detail ?? '');
      if (stillReferenced) {
        // e.table is the referencing table; the row being deleted belongs to the referenced one.
        const target = /on table "([^"]+)"/.exec(e.message)?.[1];
        const targetMeta = findMeta(metadata, undefined, target);
        return new ForeignKeyViolationError(
          entityName(targetMeta, target),
          fields.map(() => 'id'),
          `is still referenced by ${entity} (${e.constraint ?? 'a foreign key'})`,
          e.constraint,
          { cause: error },
        );
      }
      const missing = /is not present in table "([^"]+)"/.exec(e.detail ?? '')?.[1];
      const targetName = entityName(findMeta(metadata, undefined, missing), missing);
      return new ForeignKeyViolationError(
        entity,
        fields,
        `references a ${targetName} that does not exist`,
        e.constraint,
        {
          cause: error,
        },
      );
    }
    case '23514': {
      const known = e.constraint ? checkByConstraint(e.constraint, e.schema) : undefined;
      if (known) {
        return new CheckViolationError(
          known.entity,
          [known.check.property],
          known.check.constraint,
          known.check.message,
          {
            cause: error,
          },
        );
      }
      return new CheckViolationError(entity, [], e.constraint ?? 'unknown', `violates check ${e.constraint}`, {
        cause: error,
      });
    }
    case '23502':
      return new NotNullViolationError(entity, propertyOf(meta, e.column ?? 'unknown'), { cause: error });
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
    case '22023':
      return new ValidationError(entity, e.column ? propertyOf(meta, e.column) : 'value', e.message, { cause: error });
    default:
      return error;
  }
}
