import { defineContext } from '@tessera/kernel';
import { User } from './entities/user.entity.ts';
import { migrations } from './migrations/index.ts';

/** The identity context: users, roles and tokens, in the `identity` schema. */
export const identity = defineContext({
  name: 'identity',
  entities: [User],
  migrations,
});
