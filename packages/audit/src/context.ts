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
  // Sample data for `tessera seed`, loaded only when seeding: factories and faker stay out of the runtime entry.
  seed: () => import('./seed.ts'),
  rawObjects: [{ kind: 'partition', name: 'audit_logs_default' }],
  partitionedTables: [{ table: 'audit_logs', column: 'created_at', interval: 'month' }],
});
