import {
  declareConsistency,
  flushOrDetach,
  type MonthlyPartitionedTable,
  maintainPartitions,
  type PartitionMaintenanceOptions,
  type PartitionMaintenanceResult,
  pageLimit,
  Repository,
  validateEntity,
  validateId,
} from '@tessera/kernel';
import { type AuditAction, AuditLog, type IAuditLog } from '../entities/audit-log.entity.ts';

/** `audit.audit_logs` as a monthly-partitioned table, for the kernel's partition maintenance. */
export const AUDIT_LOGS_TABLE: MonthlyPartitionedTable = { schema: 'audit', table: 'audit_logs', column: 'created_at' };

/** What {@link AuditLogRepository.record} writes. */
export interface RecordAuditInput {
  userId?: string | null;
  action: AuditAction;
  resourceType: string;
  resourceId?: string | null;
  changes?: Record<string, unknown> | null;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** Filters shared by the audit queries: a time window `[from, to)` and a page size (default 100, max 1000). */
export interface AuditQueryOptions {
  from?: Date;
  to?: Date;
  limit?: number;
}

/** The largest page an audit query returns. */
export const MAX_AUDIT_PAGE = 1000;

/** Audit records: written by triggers and services, read by resource, by user and by time range, newest first. */
export class AuditLogRepository extends Repository {
  /** Appends one audit record (an insert only: audit rows are never updated). */
  async record(input: RecordAuditInput): Promise<IAuditLog> {
    const data = {
      user: input.userId ?? null,
      action: input.action,
      resourceType: input.resourceType,
      resourceId: input.resourceId ?? null,
      changes: input.changes ?? null,
      ipAddress: input.ipAddress ?? null,
      userAgent: input.userAgent ?? null,
      createdAt: new Date(),
    };
    validateEntity(this.em.getMetadata(AuditLog), data);
    if (data.resourceId !== null) validateId('AuditLog', 'resourceId', data.resourceId);
    const log = this.em.create(AuditLog, data);
    await flushOrDetach(this.em, [log]);
    return log;
  }

  /** The audit trail of one object (e.g. `('workflow', id)`), newest first. */
  async byResource(resourceType: string, resourceId: string, options: AuditQueryOptions = {}): Promise<IAuditLog[]> {
    return this.query({ resourceType, resourceId }, options);
  }

  /** What one user did, newest first. */
  async byUser(userId: string, options: AuditQueryOptions = {}): Promise<IAuditLog[]> {
    return this.query({ user: userId }, options);
  }

  /** Every record in `[from, to)`, newest first; the time bounds prune the scan to the matching partitions. */
  async inRange(from: Date, to: Date, options: Omit<AuditQueryOptions, 'from' | 'to'> = {}): Promise<IAuditLog[]> {
    return this.query({}, { ...options, from, to });
  }

  /** Creates the coming months' partitions and drops those past the retention (see the kernel's maintainPartitions). */
  async maintainPartitions(options: PartitionMaintenanceOptions = {}): Promise<PartitionMaintenanceResult> {
    return maintainPartitions(this.em, AUDIT_LOGS_TABLE, options);
  }

  private async query(where: Record<string, unknown>, options: AuditQueryOptions): Promise<IAuditLog[]> {
    const limit = pageLimit('AuditLog', options.limit, { max: MAX_AUDIT_PAGE, default: 100 });
    for (const key of ['resourceId', 'user'] as const) {
      if (typeof where[key] === 'string') validateId('AuditLog', key, where[key]);
    }
    const createdAt: Record<string, Date> = {};
    if (options.from) createdAt.$gte = options.from;
    if (options.to) createdAt.$lt = options.to;
    return this.em.find(
      AuditLog,
      { ...where, ...(Object.keys(createdAt).length > 0 ? { createdAt } : {}) },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit },
    );
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(AuditLogRepository, {
  reads: { byResource: 'read-your-writes', byUser: 'read-your-writes', inRange: 'read-your-writes' },
  writes: ['record', 'maintainPartitions'],
  internal: ['query'],
});
