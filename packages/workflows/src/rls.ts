import { type EntityName, type FilterQuery, LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  inTransaction,
  isUuid,
  NotFoundError,
  type Statement,
  sqlBatch,
  swapSettings,
  validateId,
} from '@tessera/kernel';

/**
 * The role the application's queries run as. It owns nothing, so row-level security applies to it (a table's
 * owner and superusers bypass RLS). Created by the workflows migration; repositories switch to it for each call
 * (`set_config('role', …, true)`, that is `SET LOCAL ROLE`), so a service may connect as this role or as any role
 * that is a member.
 */
export const APP_ROLE = 'tessera_app';

/**
 * The role of the superuser view: policies named `*_admin` let it see and change every row. The app role cannot
 * switch to it (it is not a member); only a login granted `tessera_admin` can, so no setting opens that view.
 * Created by the workflows migration, which also grants it everything `tessera_app` has.
 */
export const ADMIN_ROLE = 'tessera_admin';

/** Who a repository acts for: the policies compare rows with `app.current_user_id`. */
export interface Actor {
  readonly userId: string;
  /** Act as {@link ADMIN_ROLE} (every row); the connecting login must be a member of that role. */
  readonly isSuperuser?: boolean;
}

/** The database role an actor's transactions run as. */
export function roleFor(actor: Actor): string {
  return actor.isSuperuser === true ? ADMIN_ROLE : APP_ROLE;
}

/**
 * A fork of `em` whose every transaction (explicit, or the implicit one MikroORM opens around a single query)
 * runs `SET LOCAL ROLE tessera_app` (or `tessera_admin` for a superuser actor) and sets `app.current_user_id` with
 * `set_config(…, true)`, so neither leaks to the next user of the pooled connection.
 */
export function actingAs(em: EntityManager, actor: Actor): EntityManager {
  validateId('Actor', 'userId', actor?.userId);
  const fork = em.fork();
  fork.setSessionContext({
    role: roleFor(actor),
    variables: { 'app.current_user_id': actor.userId },
  });
  return fork;
}

/**
 * The same role and settings as the kernel's `sqlBatch` takes them (`settings`): the batch's statements run as the
 * application role for the actor, and the settings end with the batch (`set_config('role', …, true)` is
 * `SET LOCAL ROLE`).
 */
export function actorSettings(actor: Actor): Record<string, string> {
  validateId('Actor', 'userId', actor?.userId);
  // Only what the policies read: the role and the acting user (no policy reads `app.is_superuser`; the superuser
  // view is the admin role).
  return { role: roleFor(actor), 'app.current_user_id': actor.userId };
}

/**
 * The base of the row-level security repositories: every call runs as the application role for its actor, so the
 * policies decide what exists. A call joins the transaction of the EntityManager it was given, if any: its writes
 * commit or roll back with the caller's, and the role and acting user are set for the call only, the caller's own
 * coming back at its end. Without a transaction each call is a transaction of its own.
 */
export abstract class ActorRepository {
  readonly actor: Actor;
  /** The EntityManager as given: the one-round-trip statements run on it (in its transaction, if any). */
  protected readonly callerEm: EntityManager;
  /** The actor's settings, as the kernel's `sqlBatch` takes them. */
  protected readonly settings: Readonly<Record<string, string>>;
  #actingEm: EntityManager | undefined;

  constructor(em: EntityManager, actor: Actor) {
    this.settings = actorSettings(actor);
    this.actor = actor;
    this.callerEm = em;
  }

  /**
   * A fork acting as the actor ({@link actingAs}), made on first use: the unit of work runs in its transactions
   * when the caller has none, and rows read in one round trip become its entities. The one-round-trip methods
   * never need it otherwise.
   */
  protected get actingEm(): EntityManager {
    this.#actingEm ??= actingAs(this.callerEm, this.actor);
    return this.#actingEm;
  }

  /**
   * Statements in one round trip as the actor (the kernel's `sqlBatch` with the actor's settings). Outside a
   * transaction PostgreSQL runs them as one implicit transaction; inside the caller's they are part of it, and the
   * caller's role and settings come back at the end of the same round trip. A database error there aborts the
   * caller's transaction, as any failed statement does.
   */
  protected batch(statements: readonly Statement[]): Promise<unknown[][]> {
    return sqlBatch(this.callerEm, statements, { settings: this.settings });
  }

  /**
   * Work through the unit of work, as the actor, flushed at its end. Without a caller's transaction: a transaction
   * of its own on {@link actingEm}, which sets the role and settings as it begins. Inside the caller's transaction:
   * a savepoint of it, on a fork whose identity map starts empty (an entity the caller loaded as another role is
   * read again under the policies); the role and settings are set after the savepoint and the caller's are set back
   * before it is released. A failure rolls back to the savepoint, which undoes the call's writes and settings both,
   * and leaves the caller's transaction usable.
   */
  protected transactional<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (!inTransaction(this.callerEm)) return this.actingEm.transactional(work);
    return this.callerEm.transactional(
      async (tx) => {
        const previous = await swapSettings(tx, this.settings);
        const result = await work(tx);
        await tx.flush();
        await swapSettings(tx, previous);
        return result;
      },
      { clear: true },
    );
  }

  /**
   * The `entity` row with this id as the actor sees it, locked FOR UPDATE and read again with `lock`. An id that is
   * not a UUID, or a row the policies hide, is a NotFoundError naming the entity.
   */
  protected async findVisible<T extends object>(
    tx: EntityManager,
    entity: EntityName<T>,
    id: string,
    lock = false,
  ): Promise<T> {
    const options = lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {};
    const row = isUuid(id) ? await tx.findOne(entity, { id } as FilterQuery<NoInfer<T>>, options) : null;
    if (!row) throw new NotFoundError(tx.getMetadata(entity).className, { id });
    return row as T;
  }
}
