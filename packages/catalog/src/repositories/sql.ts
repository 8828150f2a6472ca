import type { EntityManager } from '@mikro-orm/postgresql';
import { translateDbError, ValidationError } from '@tessera/kernel';
import { CompiledQuery } from 'kysely';

/**
 * Runs SQL with real bind parameters on the EntityManager's own connection (inside its transaction, if
 * any). MikroORM's `em.execute` inlines values into the SQL text; hot and bulk paths want the statement
 * sent with parameters, like raw `pg`. Database errors come back as the kernel's typed errors.
 */
export async function query<T>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const runner = (em.getTransactionContext() ?? em.getConnection().getClient()) as {
    executeQuery(q: CompiledQuery): Promise<{ rows: unknown[] }>;
  };
  try {
    const result = await runner.executeQuery(CompiledQuery.raw(sql, [...params]));
    return result.rows as T[];
  } catch (error) {
    throw translateDbError(error, em.getMetadata());
  }
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
