import { randomUUIDv7 } from 'node:crypto';
import { p } from '@mikro-orm/core';

/** A new time-ordered UUIDv7, generated in the application (good index locality, known before the insert). */
export function newId(): string {
  return randomUUIDv7();
}

/** The primary key of every mutable table: a UUIDv7 generated in the application. */
export function idProperty() {
  return p
    .uuid()
    .primary()
    .onCreate(() => newId());
}

/**
 * `created_at` and `updated_at` (timestamptz). The ORM fills them, the database defaults them to `now()`,
 * and the `updated_at` trigger from {@link updatedAtTrigger} keeps them right for writes made outside the ORM.
 */
export function timestampProperties() {
  return {
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  };
}

/** The soft-delete mixin: a nullable `deleted_at`; reads exclude deleted rows through the `notDeleted` filter. */
export function softDeleteProperties() {
  return {
    deletedAt: p.datetime().columnType('timestamptz').nullable(),
  };
}

/** The entity filter that hides soft-deleted rows by default; pass `filters: { notDeleted: false }` to see them. */
export const notDeletedFilter = {
  notDeleted: { name: 'notDeleted', cond: { deletedAt: null }, default: true },
};

/**
 * A BEFORE UPDATE row trigger that sets `updated_at = now()`, so rows written by raw SQL, COPY or another
 * service never carry a stale `updated_at`. Declared in entity metadata, so the generator emits it and the
 * drift check knows it.
 */
export function updatedAtTrigger(table: string) {
  return {
    name: `tg_${table}_updated_at`,
    timing: 'before' as const,
    events: ['update' as const],
    forEach: 'row' as const,
    body: 'NEW.updated_at = now(); RETURN NEW;',
  };
}

/**
 * `created_at` of an append-only table range-partitioned by month on it: part of the primary key, because
 * PostgreSQL requires the partition key in every unique key of a partitioned table.
 */
export function partitionKeyCreatedAt() {
  return p
    .datetime()
    .columnType('timestamptz')
    .primary()
    .defaultRaw('now()')
    .onCreate(() => new Date());
}
