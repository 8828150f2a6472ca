import type { EntityManager } from '@mikro-orm/postgresql';
import { flushOrDetach, uniqueSuffix } from '@tessera/kernel';
import type { IUser } from '../entities/user.entity.ts';
import { User } from '../entities/user.entity.ts';
import { hashPassword } from '../security/password.ts';

/** Fields a test may override on a user; `password` is hashed into `hashedPassword`. */
export type UserOverrides = Partial<Omit<IUser, 'id' | 'hashedPassword'>> & { password?: string };

/** Persists (and flushes) a valid user with a unique e-mail and username; override any field. */
export async function userFactory(em: EntityManager, overrides: UserOverrides = {}): Promise<IUser> {
  const { password, ...fields } = overrides;
  const n = uniqueSuffix();
  const user = em.create(User, {
    email: `user${n}@example.com`,
    username: `user${n}`,
    fullName: `Test User ${n}`,
    department: null,
    accessLevel: 1,
    isActive: true,
    isSuperuser: false,
    hashedPassword: password === undefined ? null : await hashPassword(password),
    ...fields,
  });
  await flushOrDetach(em, [user]);
  return user;
}
