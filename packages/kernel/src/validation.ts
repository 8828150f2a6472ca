import {
  ChangeSetType,
  type EntityMetadata,
  type EventSubscriber,
  type FlushEventArgs,
  ReferenceKind,
} from '@mikro-orm/core';
import { checksOf } from './checks.ts';
import { CheckViolationError, NotNullViolationError, ValidationError } from './errors.ts';

function isMissing(value: unknown): boolean {
  return value === null || value === undefined;
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
  for (const prop of meta.props) {
    if (changed && !changed.has(prop.name)) continue;
    if (prop.persist === false || prop.formula || prop.kind === ReferenceKind.ONE_TO_MANY) continue;
    if (prop.kind === ReferenceKind.MANY_TO_MANY || prop.kind === ReferenceKind.EMBEDDED) continue;
    const value = entity[prop.name];
    if (isMissing(value)) {
      const hasDefault = prop.default !== undefined || prop.defaultRaw !== undefined || prop.autoincrement;
      if (!prop.nullable && !hasDefault && !prop.primary && prop.kind !== ReferenceKind.ONE_TO_ONE) {
        throw new NotNullViolationError(entityName, prop.name);
      }
      continue;
    }
    if (typeof value === 'string' && prop.length && value.length > prop.length) {
      throw new ValidationError(
        entityName,
        prop.name,
        `must be at most ${prop.length} characters (got ${value.length})`,
      );
    }
    if (prop.enum && Array.isArray(prop.items) && prop.items.length > 0 && !prop.array) {
      if (!prop.items.includes(value as string | number)) {
        throw new ValidationError(
          entityName,
          prop.name,
          `must be one of ${prop.items.join(', ')} (got ${String(value)})`,
        );
      }
    }
  }
  for (const check of checksOf(entityName)) {
    if (changed && !changed.has(check.property)) continue;
    const value = entity[check.property];
    if (isMissing(value) && !check.testNull) continue;
    if (!check.test(value, entity)) {
      throw new CheckViolationError(entityName, [check.property], check.constraint, check.message);
    }
  }
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
