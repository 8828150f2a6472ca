import { uniqueSuffix, ValidationError } from '@tessera/kernel';
import { itRefusesBadInput, useTestDatabase } from '@tessera/testing';
import { beforeAll, describe } from 'vitest';
import { identity } from '../src/context.ts';
import { type RegisterUserInput, TokenRepository, UserRepository } from '../src/index.ts';
import { userFactory } from '../src/testing.ts';

const db = useTestDatabase(identity);
const schemas = ['identity'];

let userId: string;
beforeAll(async () => {
  userId = (await userFactory(db.em())).id;
});

const register = (overrides: Record<string, unknown>) => (em: Parameters<typeof userFactory>[0]) =>
  new UserRepository(em).register({
    email: `bad${uniqueSuffix()}@example.com`,
    username: `bad${uniqueSuffix()}`,
    ...overrides,
  } as RegisterUserInput);

describe('identity refuses bad input with a typed error naming the field, and writes nothing', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'a NUL byte in a username',
      run: register({ username: 'a\0b' }),
      error: ValidationError,
      entity: 'User',
      field: 'username',
    },
    {
      name: 'a NUL byte in a full name',
      run: register({ fullName: 'Ann\0' }),
      error: ValidationError,
      entity: 'User',
      field: 'fullName',
    },
    {
      name: 'a number for a username',
      run: register({ username: 42 }),
      error: ValidationError,
      entity: 'User',
      field: 'username',
    },
    {
      name: 'a string for an access level',
      run: register({ accessLevel: '3' }),
      error: ValidationError,
      entity: 'User',
      field: 'accessLevel',
    },
    {
      name: 'Infinity for an access level',
      run: register({ accessLevel: Number.POSITIVE_INFINITY }),
      error: ValidationError,
      entity: 'User',
      field: 'accessLevel',
    },
    {
      name: 'a string for isSuperuser',
      run: register({ isSuperuser: 'yes' }),
      error: ValidationError,
      entity: 'User',
      field: 'isSuperuser',
    },
    {
      name: 'token issue for a user id that is not a UUID',
      run: (em) => new TokenRepository(em).issue({ userId: 'not-a-uuid', kind: 'access', ttlSeconds: 60 }),
      error: ValidationError,
      entity: 'Token',
      field: 'user',
    },
    {
      name: 'token issue with a NUL byte in its name',
      run: (em) => new TokenRepository(em).issue({ userId, kind: 'access', ttlSeconds: 60, name: 'ci\0' }),
      error: ValidationError,
      entity: 'Token',
      field: 'name',
    },
    {
      name: 'token issue with an invalid Date',
      run: (em) => new TokenRepository(em).issue({ userId, kind: 'access', ttlSeconds: 60, now: new Date(Number.NaN) }),
      error: ValidationError,
      entity: 'Token',
    },
    {
      name: 'a sign-in at an invalid Date',
      run: (em) => new UserRepository(em).recordLogin(userId, new Date('not a date')),
      error: ValidationError,
      entity: 'User',
      field: 'lastLoginAt',
    },
  ]);
});
