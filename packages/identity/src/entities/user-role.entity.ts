import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Role } from './role.entity.ts';
import { User } from './user.entity.ts';

/**
 * The user-role pivot. The composite primary key makes a grant idempotent; both foreign keys cascade, so
 * deleting a user or a role removes its grants. Grants are never updated (only granted and revoked), so
 * the table keeps `granted_at` instead of `created_at`/`updated_at`.
 */
export const UserRole = defineEntity({
  name: 'UserRole',
  tableName: 'user_roles',
  schema: 'identity',
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    // The primary key (user_id, role_id) serves lookups by user; this index serves "who has this role".
    role: () => p.manyToOne(Role).primary().deleteRule('cascade').index(),
    grantedAt: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

/** A loaded role grant. */
export type IUserRole = InferEntity<typeof UserRole>;
