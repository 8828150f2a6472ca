import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, ValidationError } from '@tessera/kernel';

/**
 * Runs SQL (`$1` placeholders) through the kernel's SQL path: bound parameters, on the EntityManager's current
 * transaction if any, in the slow-query log, and a named prepared statement when `name` is given. Database
 * errors come back as the kernel's typed errors.
 */
export function query<T>(
  em: EntityManager,
  text: string,
  values: readonly unknown[] = [],
  name?: string,
): Promise<T[]> {
  return sql<T>(em, name ? { name, text, values } : { text, values });
}

/** A page request: `page` from 1. */
export interface PageOptions {
  page?: number;
  limit?: number;
}

/** Checks a page request (`page` from 1, `limit` 1 to `max`) and returns page, limit and offset. */
export function pageOf(entity: string, options: PageOptions, max = 100) {
  const page = options.page ?? 1;
  const limit = options.limit ?? 20;
  if (!Number.isInteger(page) || page < 1)
    throw new ValidationError(entity, 'page', 'must be a whole number, 1 or more');
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValidationError(entity, 'limit', `must be a whole number from 1 to ${max}`);
  }
  return { page, limit, offset: (page - 1) * limit };
}
