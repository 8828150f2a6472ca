import { randomFillSync } from 'node:crypto';
import { p } from '@mikro-orm/core';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// Random bytes are drawn in blocks: 10 per id (2 seed a millisecond's counter, 8 fill the tail).
const random = Buffer.alloc(4096);
let randomAt = random.length;
let lastMs = -1;
let counter = 0;

/**
 * A new time-ordered UUIDv7, generated in the application (good index locality, known before the insert). Within a
 * process every id sorts after the one before it, in PostgreSQL's `uuid` order as in string order, even within one
 * millisecond: the 12 bits after the version are a counter that starts at a random value below 2048 each
 * millisecond and counts up (RFC 9562, section 6.2, method 1). If it runs out, or the clock steps back, the id keeps
 * the last timestamp and moves it on by a millisecond, so order wins over clock precision; the other 62 bits are
 * random.
 */
export function newId(): string {
  if (randomAt + 10 > random.length) {
    randomFillSync(random);
    randomAt = 0;
  }
  const at = randomAt;
  randomAt += 10;
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = (((random[at] as number) << 8) | (random[at + 1] as number)) & 0x7ff;
  } else if (++counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  const ms = lastMs;
  const high = Math.floor(ms / 0x10000);
  const b = (i: number) => HEX[random[at + i] as number] as string;
  return (
    HEX[(high >>> 24) & 0xff] +
    (HEX[(high >>> 16) & 0xff] as string) +
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    '-' +
    HEX[(ms >>> 8) & 0xff] +
    HEX[ms & 0xff] +
    '-' +
    HEX[0x70 | (counter >>> 8)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | ((random[at + 2] as number) & 0x3f)] +
    b(3) +
    '-' +
    b(4) +
    b(5) +
    b(6) +
    b(7) +
    b(8) +
    b(9)
  );
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
