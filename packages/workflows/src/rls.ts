import type { EntityManager } from '@mikro-orm/postgresql';
import { validateId } from '@tessera/kernel';

/**
 * The role the application's queries run as. It owns nothing, so row-level security applies to it (a table's
 * owner and superusers bypass RLS). Created by the workflows migration; repositories switch to it with
 * `SET LOCAL ROLE` in every transaction, so a service may connect as this role or as any role that is a member.
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
