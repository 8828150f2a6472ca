import { ValidationError } from './errors.ts';
import { isUuid } from './values.ts';

/** The bounds of a page size: the largest page and the size used when the caller gives none. */
export interface PageLimits {
  max: number;
  default: number;
}

/**
 * A page size: `limit` if it is a whole number from 1 to `limits.max`, `limits.default` when it is undefined.
 * Anything else throws a ValidationError naming `entity` and the `limit` field.
 */
export function pageLimit(entity: string, limit: number | undefined, limits: PageLimits): number {
  const value = limit ?? limits.default;
  if (!Number.isInteger(value) || value < 1 || value > limits.max) {
    throw new ValidationError(entity, 'limit', `must be a whole number from 1 to ${limits.max}`);
  }
  return value;
}

/** An offset page request: `page` from 1, `limit` rows per page. */
export interface PageOptions {
  page?: number;
  limit?: number;
}

/**
 * An offset page (`page` from 1, default 1; `limit` as {@link pageLimit}) and the row offset it starts at. A bad
 * page throws a ValidationError naming `entity` and the `page` field.
 */
export function pageOf(
  entity: string,
  options: PageOptions,
  limits: PageLimits,
): { page: number; limit: number; offset: number } {
  const page = options.page ?? 1;
  if (!Number.isInteger(page) || page < 1)
    throw new ValidationError(entity, 'page', 'must be a whole number, 1 or more');
  const limit = pageLimit(entity, options.limit, limits);
  return { page, limit, offset: (page - 1) * limit };
}

/**
 * The position of a keyset page: the `(timestamp, id)` of the last row of the previous page, encoded as an opaque
 * string. Rows ordered by `(timestamp, id)` continue after it with `(timestamp, id) < (cursor)` (newest first).
 */
export interface KeysetPosition {
  timestamp: Date;
  id: string;
}

/** The cursor of the page after the row `last`: opaque to callers, read back by {@link decodeCursor}. */
export function encodeCursor(last: KeysetPosition): string {
  return Buffer.from(`${last.timestamp.toISOString()}|${last.id}`).toString('base64url');
}

/**
 * The position a cursor from {@link encodeCursor} names. Anything else throws a ValidationError naming `entity`
 * and the `cursor` field.
 */
export function decodeCursor(entity: string, cursor: string): KeysetPosition {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const timestamp = new Date(iso ?? '');
  if (!isUuid(id) || Number.isNaN(timestamp.getTime())) throw badCursor(entity);
  return { timestamp, id };
}

/**
 * An id cursor (the last id of the previous page, for rows in id order), or null for the first page. Anything but
 * a UUID throws a ValidationError naming `entity` and the `cursor` field.
 */
export function idCursor(entity: string, cursor: string | null | undefined): string | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  if (!isUuid(cursor)) throw badCursor(entity);
  return cursor;
}

function badCursor(entity: string): ValidationError {
  return new ValidationError(entity, 'cursor', 'is not a cursor returned by a previous page');
}
