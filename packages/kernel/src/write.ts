import type { EntityManager } from '@mikro-orm/postgresql';
import { translateDbError } from './translate.ts';

/**
 * Runs a write and rethrows database errors as the kernel's typed errors (UniqueViolationError,
 * ForeignKeyViolationError, ...) naming the entity and field, so no driver error escapes a repository.
 */
export async function translated<T>(em: EntityManager, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw translateDbError(error, em.getMetadata());
  }
}

/**
 * Flushes, translating errors like {@link translated}. When the flush fails, the entities this write
 * created or changed are detached: MikroORM keeps a failed entity in the identity map, and the caller's
 * next flush (of something unrelated) would otherwise retry the rejected insert or update and fail again.
 */
export async function flushOrDetach(em: EntityManager, touched: readonly object[]): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    for (const entity of touched) em.getUnitOfWork().unsetIdentity(entity);
    throw translateDbError(error, em.getMetadata());
  }
}
