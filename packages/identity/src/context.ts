import { defineContext } from '@tessera/kernel';
import { Role } from './entities/role.entity.ts';
import { Token } from './entities/token.entity.ts';
import { User } from './entities/user.entity.ts';
import { UserRole } from './entities/user-role.entity.ts';
import { migrations } from './migrations/index.ts';

/** The identity context: users, roles, their grants and tokens, in the `identity` schema. */
export const identity = defineContext({
  name: 'identity',
  entities: [User, Role, UserRole, Token],
  migrations,
  // Sample data for `tessera seed`, loaded only when seeding: factories and faker stay out of the runtime entry.
  seed: () => import('./seed.ts'),
});
