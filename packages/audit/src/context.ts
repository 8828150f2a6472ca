import { identity } from '@tessera/identity';
import { defineContext } from '@tessera/kernel';
import { migrations } from './migrations/index.ts';

/** The audit context: audit_logs (partitioned by month) and the events log/outbox. Schema `audit`. */
export const audit = defineContext({
  name: 'audit',
  dependsOn: [identity],
  entities: [],
  migrations,
});
