import {
  ChangeSetType,
  type EntityMetadata,
  type EventSubscriber,
  type FlushEventArgs,
  ReferenceKind,
} from '@mikro-orm/core';
import { checksOf } from './checks.ts';
import {
  BatchValidationError,
  CheckViolationError,
  type EntityFieldError,
  NotNullViolationError,
  ValidationError,
} from './errors.ts';
import { isUuid, kindOfColumnType, type ValueKind, valueProblem } from './values.ts';

function isMissing(value: unknown): boolean {
  return value === null || value === undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: metadata of any entity
type AnyProp = EntityMetadata<any>['props'][number];

/** The primary key a to-one value carries: a key itself, or an entity / Reference whose key it reads. */
function referencedKey(prop: AnyProp, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const target = (value as { unwrap?: () => unknown }).unwrap?.() ?? value;
  const pk = prop.targetMeta?.primaryKeys?.[0] ?? 'id';
  return (target as Record<string, unknown>)[pk];
}

/** A property as validation reads it, worked out once from its metadata (which is fixed once the ORM is up). */
interface Field {
  readonly prop: AnyProp;
  readonly name: string;
  /** Whether the property is a to-one reference, checked by the key it carries. */
  readonly reference: boolean;
  /** The column's kind (for a reference, its key's), or undefined for a property that is not a column. */
  readonly kind: ValueKind | undefined;
  /** Whether a missing value is an error: not nullable, no default, not the key, not a one-to-one. */
  readonly required: boolean;
  readonly length: number | undefined;
  /** The allowed values of a (non-array) enum property. */
  readonly items: readonly (string | number)[] | undefined;
  readonly numeric: { precision?: number; scale?: number };
}

const fields = new WeakMap<AnyProp, Field>();

function fieldOf(prop: AnyProp): Field {
  let field = fields.get(prop);
  if (field === undefined) {
    const reference = prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE;
    const hasDefault = prop.default !== undefined || prop.defaultRaw !== undefined || prop.autoincrement;
    field = {
      prop,
      name: prop.name,
      reference,
      kind: reference
        ? kindOfColumnType(prop.targetMeta?.getPrimaryProps?.()[0]?.columnTypes?.[0] ?? prop.columnTypes?.[0])
        : prop.kind === ReferenceKind.SCALAR
          ? kindOfColumnType(prop.columnTypes?.[0])
          : undefined,
      required: !prop.nullable && !hasDefault && !prop.primary && prop.kind !== ReferenceKind.ONE_TO_ONE,
      length: prop.length || undefined,
      items:
        prop.enum && Array.isArray(prop.items) && prop.items.length > 0 && !prop.array
          ? (prop.items as (string | number)[])
          : undefined,
      numeric: { precision: prop.precision, scale: prop.scale },
    };
    fields.set(prop, field);
  }
  return field;
}

/** The entity's properties that are columns, as {@link Field}s: worked out on the first validation of each entity. */
// biome-ignore lint/suspicious/noExplicitAny: metadata of any entity
const columns = new WeakMap<EntityMetadata<any>, readonly Field[]>();

// biome-ignore lint/suspicious/noExplicitAny: metadata of any entity
function columnsOf(meta: EntityMetadata<any>): readonly Field[] {
  let list = columns.get(meta);
  if (list === undefined) {
    list = meta.props
      .filter(
        (prop) =>
          prop.persist !== false &&
          !prop.formula &&
          prop.kind !== ReferenceKind.ONE_TO_MANY &&
          prop.kind !== ReferenceKind.MANY_TO_MANY &&
          prop.kind !== ReferenceKind.EMBEDDED,
      )
      .map(fieldOf);
    columns.set(meta, list);
  }
  return list;
}

function fieldProblem(field: Field, value: unknown): string | undefined {
  if (isMissing(value)) return undefined;
  if (field.reference) {
    const key = referencedKey(field.prop, value);
    if (field.kind !== 'uuid' || isMissing(key)) return undefined;
    return isUuid(key)
      ? undefined
      : `must reference a ${field.prop.type} by its UUID (got ${JSON.stringify(String(key))})`;
  }
  return field.kind === undefined ? undefined : valueProblem(field.kind, value, field.numeric);
}

/**
 * What is wrong with one property's value by its column type (a UUID, text without NUL, a finite number in
 * range, a valid date, JSON that can be stored, an IP address), or undefined.
 */
export function propertyProblem(prop: AnyProp, value: unknown): string | undefined {
  return fieldProblem(fieldOf(prop), value);
}

/** Throws a ValidationError naming `entity` and `field` unless `value` is a UUID (for ids passed as arguments). */
export function validateId(entity: string, field: string, value: unknown): string {
  if (!isUuid(value)) {
    const got = typeof value === 'string' ? JSON.stringify(value.replace(/\0/g, '\\0')) : typeof value;
    throw new ValidationError(entity, field, `must be a UUID (got ${got})`);
  }
  return value;
}

/**
 * Validates one entity against its metadata (required fields, string lengths, enum values) and its
 * registered checks. Throws the first problem as a typed error naming the entity and field.
 */
export function validateEntity(
  // biome-ignore lint/suspicious/noExplicitAny: metadata of any entity
  meta: EntityMetadata<any>,
  entity: Record<string, unknown>,
  changed?: Set<string>,
): void {
  const entityName = meta.className;
  for (const field of columnsOf(meta)) {
    if (changed && !changed.has(field.name)) continue;
    const value = entity[field.name];
    if (isMissing(value)) {
      if (field.required) throw new NotNullViolationError(entityName, field.name);
      continue;
    }
    const problem = fieldProblem(field, value);
    if (problem) throw new ValidationError(entityName, field.name, problem);
    if (field.length !== undefined && typeof value === 'string' && value.length > field.length) {
      throw new ValidationError(
        entityName,
        field.name,
        `must be at most ${field.length} characters (got ${value.length})`,
      );
    }
    if (field.items && !field.items.includes(value as string | number)) {
      throw new ValidationError(
        entityName,
        field.name,
        `must be one of ${field.items.join(', ')} (got ${String(value)})`,
      );
    }
  }
  for (const check of checksOf(meta.schema, meta.tableName)) {
    if (changed && !changed.has(check.property)) continue;
    const value = entity[check.property];
    if (isMissing(value) && !check.testNull) continue;
    if (!check.test(value, entity)) {
      throw new CheckViolationError(entityName, [check.property], check.constraint, check.message);
    }
  }
}

/** How a multi-row call treats bad rows: refuse the whole call, or write the good rows and report the bad. */
export type BatchMode = 'all-or-nothing' | 'good-rows';

/**
 * Validates every row of a multi-row write with {@link validateEntity} and collects each bad row's error by
 * its index. With `all-or-nothing` (the default) any bad row throws a {@link BatchValidationError} listing
 * them all; with `good-rows` the indexes of the bad rows come back so the caller writes only the others.
 */
export function validateRows(
  // biome-ignore lint/suspicious/noExplicitAny: metadata of any entity
  meta: EntityMetadata<any>,
  rows: readonly Record<string, unknown>[],
  mode: BatchMode = 'all-or-nothing',
  changed?: Set<string>,
): { row: number; error: EntityFieldError }[] {
  const failures: { row: number; error: EntityFieldError }[] = [];
  rows.forEach((row, index) => {
    try {
      validateEntity(meta, row, changed);
    } catch (error) {
      if (
        !(
          error instanceof ValidationError ||
          error instanceof CheckViolationError ||
          error instanceof NotNullViolationError
        )
      ) {
        throw error;
      }
      failures.push({ row: index, error });
    }
  });
  if (mode === 'all-or-nothing' && failures.length > 0) throw new BatchValidationError(meta.className, failures);
  return failures;
}

/**
 * Runs {@link validateEntity} on every entity the unit of work is about to insert or update. It runs in
 * `onFlush`, before any statement is sent, so a rejected flush writes nothing.
 */
export class ValidationSubscriber implements EventSubscriber {
  onFlush(args: FlushEventArgs): void {
    for (const cs of args.uow.getChangeSets()) {
      if (cs.type === ChangeSetType.CREATE) {
        validateEntity(cs.meta, cs.entity as Record<string, unknown>);
      } else if (cs.type === ChangeSetType.UPDATE) {
        validateEntity(cs.meta, cs.entity as Record<string, unknown>, new Set(Object.keys(cs.payload)));
      }
    }
  }
}
