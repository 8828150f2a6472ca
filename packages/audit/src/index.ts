/** @tessera/audit: audit_logs (partitioned by month) and the domain event log/outbox, in the `audit` schema. */

/** The context module to compose (`composeContexts([audit])`). */
export { audit } from './context.ts';
/** The audit record entity and the actions it records. */
export { AUDIT_ACTIONS, type AuditAction, AuditLog, type IAuditLog } from './entities/audit-log.entity.ts';
/** The domain event (outbox) entity. */
export { Event, type IEvent } from './entities/event.entity.ts';
/** Recording and reading audit records, newest first; the partitioned table for partition maintenance. */
export {
  AUDIT_LOGS_TABLE,
  AuditLogRepository,
  type AuditQueryOptions,
  MAX_AUDIT_PAGE,
  type RecordAuditInput,
} from './repositories/audit-log.repository.ts';
/** Appending domain events and polling the unpublished ones. */
export { type AppendEventInput, EventRepository, MAX_EVENT_BATCH } from './repositories/event.repository.ts';
