import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';

const checks = defineChecks('Role', 'identity.roles', [
  {
    name: 'name_not_empty',
    property: 'name',
    expression: 'length(trim(both from name)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
]);

/** A named role; users get roles through {@link UserRole}. */
export const Role = defineEntity({
  name: 'Role',
  tableName: 'roles',
  schema: 'identity',
  properties: {
    id: idProperty(),
    name: p.string().length(50).unique(),
    description: p.text().nullable(),
    ...timestampProperties(),
  },
  checks,
  triggers: [updatedAtTrigger('roles')],
});

/** A loaded role. */
export type IRole = InferEntity<typeof Role>;
