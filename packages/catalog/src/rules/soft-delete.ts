import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError, sql, ValidationError, validateId } from '@tessera/kernel';

/**
 * Soft-deletes one row of a catalog table: sets `deleted_at`, after which default reads no longer see it and
 * its unique values (code, path, sheet row, tag name) are free again. NotFoundError when no live row has the id.
 */
export async function softDelete(em: EntityManager, entity: EntityName, id: string, at = new Date()): Promise<Date> {
  const meta = em.getMetadata().get(entity);
  validateId(meta.className, 'id', id);
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new ValidationError(meta.className, 'deletedAt', 'must be a valid Date');
  }
  const rows = await sql<{ id: string }>(em, {
    text: `update "${meta.schema}"."${meta.tableName}" set deleted_at = $2 where id = $1 and deleted_at is null returning id`,
    values: [id, at],
  });
  if (rows.length === 0) throw new NotFoundError(meta.className, { id });
  // A cached copy would still say "live" and could be flushed back; the row changed under the ORM.
  const cached = em.getUnitOfWork().getById(entity, id);
  if (cached) em.getUnitOfWork().unsetIdentity(cached);
  return at;
}

/**
 * Restores a soft-deleted row. When a live row has taken its unique value meanwhile, the database refuses
 * and the caller gets a UniqueViolationError naming the field. NotFoundError when no deleted row has the id.
 */
export async function restore(em: EntityManager, entity: EntityName, id: string): Promise<void> {
  const meta = em.getMetadata().get(entity);
  validateId(meta.className, 'id', id);
  const rows = await sql<{ id: string }>(em, {
    text: `update "${meta.schema}"."${meta.tableName}" set deleted_at = null where id = $1 and deleted_at is not null returning id`,
    values: [id],
  });
  if (rows.length === 0) throw new NotFoundError(meta.className, { id, deleted: true });
}
