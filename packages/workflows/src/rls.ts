import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '@tessera/kernel';

/**
 * The role the application's queries run as. It owns nothing, so row-level security applies to it (a table's
 * owner and superusers bypass RLS). Created by the workflows migration; repositories switch to it with
 * `SET LOCAL ROLE` in every transaction, so a service may connect as this role or as any role that is a member.
 */
export const APP_ROLE = 'tessera_app';

/** Who a repository acts for: the policies compare rows with these two settings. */
export interface Actor {
  readonly userId: string;
  readonly isSuperuser?: boolean;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The SQL expressions the policies use. `current_setting(name, true)` is null when the setting was never set and
 * '' after a transaction that set it locally ended, so both mean "nobody": no rows, never an error, never all rows.
 */
export const currentUserSql = "(NULLIF(current_setting('app.current_user_id'::text, true), ''::text))::uuid";
/** True only when `app.is_superuser` is set to true in this transaction. */
export const isSuperuserSql =
  "COALESCE((NULLIF(current_setting('app.is_superuser'::text, true), ''::text))::boolean, false)";

/**
 * A fork of `em` whose every transaction (explicit, or the implicit one MikroORM opens around a single query)
 * runs `SET LOCAL ROLE tessera_app` and sets `app.current_user_id` / `app.is_superuser` with `set_config(…, true)`,
 * so the settings never leak to the next user of the pooled connection.
 */
export function actingAs(em: EntityManager, actor: Actor): EntityManager {
  if (typeof actor?.userId !== 'string' || !UUID_PATTERN.test(actor.userId)) {
    throw new ValidationError('Actor', 'userId', 'must be the UUID of a user');
  }
  const fork = em.fork();
  fork.setSessionContext({
    role: APP_ROLE,
    variables: { 'app.current_user_id': actor.userId, 'app.is_superuser': actor.isSuperuser === true },
  });
  return fork;
}

/**
 * The same role and settings as the kernel's `sqlBatch` takes them (`settings`): the batch's statements run as the
 * application role for the actor, and the settings end with the batch (`set_config('role', …, true)` is
 * `SET LOCAL ROLE`).
 */
export function actorSettings(actor: Actor): Record<string, string> {
  if (typeof actor?.userId !== 'string' || !UUID_PATTERN.test(actor.userId)) {
    throw new ValidationError('Actor', 'userId', 'must be the UUID of a user');
  }
  return {
    role: APP_ROLE,
    'app.current_user_id': actor.userId,
    'app.is_superuser': actor.isSuperuser === true ? 'true' : 'false',
  };
}
