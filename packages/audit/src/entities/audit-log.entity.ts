import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from '@tessera/identity';
import { currentUserOnceSql, partitionKeyCreatedAt } from '@tessera/kernel';

/** The audited actions; a PostgreSQL native enum `audit_action`. */
export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'login', 'logout', 'execute', 'cancel'] as const;

/** One of {@link AUDIT_ACTIONS}. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One audit record. Append-only, so the key is a bigint identity; the table is range-partitioned
 * by month on `created_at` in raw SQL (see the migration), which is why `created_at` is part of the key:
 * PostgreSQL requires every unique key of a partitioned table to contain the partition key.
 */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_logs',
  schema: 'audit',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('set null').nullable().index(),
    action: p.enum(AUDIT_ACTIONS).nativeEnumName('audit_action').index(),
    resourceType: p.string().length(100),
    resourceId: p.uuid().nullable(),
    changes: p.json<Record<string, unknown>>().nullable(),
    ipAddress: p.string().columnType('inet').nullable(),
    userAgent: p.text().nullable(),
    createdAt: partitionKeyCreatedAt(),
  },
  indexes: [
    { name: 'ix_audit_logs_resource', properties: ['resourceType', 'resourceId'] },
    {
      name: 'ix_audit_logs_created_at',
      expression: 'create index "ix_audit_logs_created_at" on "audit"."audit_logs" ("created_at" desc)',
    },
  ],
  // Written by the workflows audit trigger as the application role: only in the acting user's name. The role
  // has no SELECT, UPDATE or DELETE grant here; the owner (maintenance, AuditLogRepository) bypasses RLS.
  policies: [{ name: 'audit_logs_own_name', command: 'insert', check: `user_id = ${currentUserOnceSql}` }],
});

/** A loaded audit record. */
export type IAuditLog = InferEntity<typeof AuditLog>;
