import type { EntityManager } from '@mikro-orm/postgresql';
import { flushOrDetach, uniqueSuffix } from '@tessera/kernel';
import { type IRole, Role } from '../entities/role.entity.ts';

/** Fields a test may override on a role. */
export type RoleOverrides = Partial<Omit<IRole, 'id'>>;

/** Persists (and flushes) a role with a unique name; override any field. */
export async function roleFactory(em: EntityManager, overrides: RoleOverrides = {}): Promise<IRole> {
  const role = em.create(Role, { name: `role-${uniqueSuffix()}`, description: null, ...overrides });
  await flushOrDetach(em, [role]);
  return role;
}
