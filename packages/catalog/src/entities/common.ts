import { idProperty, softDeleteProperties, timestampProperties } from '@tessera/kernel';

/** The id, the created and updated times and the soft-delete time: every catalog table has these four columns. */
export function catalogBase() {
  return { id: idProperty(), ...timestampProperties(), ...softDeleteProperties() };
}

/** The predicate of every partial unique index: a soft-deleted row must not block re-creating it. */
export const NOT_DELETED = 'deleted_at is null';
