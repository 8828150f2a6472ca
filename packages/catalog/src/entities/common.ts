import { idProperty, softDeleteProperties, timestampProperties } from '@tessera/kernel';

/** Seed 003's TimestampMixin plus the id: every catalog table has these four columns. */
export function catalogBase() {
  return { id: idProperty(), ...timestampProperties(), ...softDeleteProperties() };
}

/** The predicate of every partial unique index: a soft-deleted row must not block re-creating it. */
export const NOT_DELETED = 'deleted_at is null';
