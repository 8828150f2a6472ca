import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@tessera/kernel';

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
