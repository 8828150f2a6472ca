import { identity } from '@tessera/identity';
import { defineContext } from '@tessera/kernel';
import { AuditLog } from './entities/audit-log.entity.ts';
import { Event } from './entities/event.entity.ts';
import { migrations } from './migrations/index.ts';

/** The audit context: audit_logs (partitioned by month) and the events log/outbox. Schema `audit`. */
export const audit = defineContext({
  name: 'audit',
  dependsOn: [identity],
  entities: [AuditLog, Event],
  migrations,
  rawObjects: ['audit_logs_default'],
});
