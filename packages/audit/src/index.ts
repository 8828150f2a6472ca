/** @tessera/audit: audit_logs (partitioned by month) and the domain event log/outbox, in the `audit` schema. */
export { audit } from './context.ts';
export { AUDIT_ACTIONS, type AuditAction, AuditLog, type IAuditLog } from './entities/audit-log.entity.ts';
export { Event, type IEvent } from './entities/event.entity.ts';
export {
  AUDIT_LOGS_TABLE,
  AuditLogRepository,
  type AuditQueryOptions,
  MAX_AUDIT_PAGE,
  type RecordAuditInput,
} from './repositories/audit-log.repository.ts';
export { type AppendEventInput, EventRepository, MAX_EVENT_BATCH } from './repositories/event.repository.ts';
