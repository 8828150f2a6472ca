import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';

/** The e-mail rule, shared by the database CHECK and the application. */
export const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

const checks = defineChecks('User', 'identity.users', [
  {
    name: 'email_format',
    property: 'email',
    expression: "email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$'",
    test: (v: string) => EMAIL_PATTERN.test(v),
    message: 'must be a valid e-mail address',
  },
  {
    name: 'username_not_empty',
    property: 'username',
    expression: 'length(trim(both from username)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
  {
    name: 'access_level_range',
    property: 'accessLevel',
    expression: 'access_level >= 1 and access_level <= 3',
    test: (v: number) => Number.isInteger(v) && v >= 1 && v <= 3,
    message: 'must be an integer from 1 to 3',
  },
]);

/** A platform user: an account of the workflow platform and of the knowledge base (with an access level). */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  schema: 'identity',
  properties: {
    id: idProperty(),
    email: p.string().length(255).unique(),
    username: p.string().length(100).unique(),
    fullName: p.string().length(255).nullable(),
    hashedPassword: p.string().length(255).nullable().hidden(),
    department: p.string().length(50).nullable().index(),
    accessLevel: p.smallint().default(1),
    isActive: p.boolean().default(true).index(),
    isSuperuser: p.boolean().default(false),
    lastLoginAt: p.datetime().columnType('timestamptz').nullable(),
    ...timestampProperties(),
  },
  checks,
  triggers: [updatedAtTrigger('users')],
});

/** A loaded user. */
export type IUser = InferEntity<typeof User>;
