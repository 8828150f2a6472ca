import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type TranslationHint, translateDbError } from './translate.ts';

/**
 * The one write path of every context: validate (the kernel's validation runs in the flush and in
 * TesseraEntityManager's native writes, before any SQL is sent), write, and translate a database error into the
 * kernel's typed error naming the entity and field ({@link translateDbError}), so no driver error escapes a
 * repository. Raw statements take the same path through the kernel's `sql`, `sqlResult` and `sqlBatch`.
 */

/** What {@link translated} and {@link flushOrDetach} need of an EntityManager. */
type WriteEm = Pick<EntityManager, 'flush' | 'getUnitOfWork' | 'getMetadata'>;

/**
 * Runs a write (a native insert, update or delete) and rethrows a database error as the kernel's typed error.
 * `hint.entity` names the entity a data error is about, which PostgreSQL does not say.
 */
export async function translated<T>(
  em: Pick<EntityManager, 'getMetadata'>,
  write: () => Promise<T>,
  hint?: TranslationHint,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw translateDbError(error, em.getMetadata(), hint);
  }
}

/**
 * Flushes, translating errors like {@link translated}. When the flush fails, the entities this write
 * created or changed are detached: MikroORM keeps a failed entity in the identity map, and the caller's
 * next flush (of something unrelated) would otherwise retry the rejected insert or update and fail again.
 * A data error (which names no table) is reported against the first of them.
 */
export async function flushOrDetach(em: WriteEm, touched: readonly object[]): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    for (const entity of touched) em.getUnitOfWork().unsetIdentity(entity);
    const first = touched[0];
    throw translateDbError(error, em.getMetadata(), first ? { entity: wrap(first, true).__meta } : undefined);
  }
}
