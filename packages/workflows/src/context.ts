import { audit } from '@tessera/audit';
import { identity } from '@tessera/identity';
import { defineContext } from '@tessera/kernel';
import { migrations } from './migrations/index.ts';

/** The workflows context: workflows, versions, agents and their tools, with RLS and the audit trigger. Schema `workflows`. */
export const workflows = defineContext({
  name: 'workflows',
  dependsOn: [identity, audit],
  entities: [],
  migrations,
});
