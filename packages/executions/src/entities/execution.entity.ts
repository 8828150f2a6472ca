import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from '@tessera/identity';
import {
  currentUserOnceSql,
  defineChecks,
  idProperty,
  jsonObjectCheck,
  timestampProperties,
  updatedAtTrigger,
} from '@tessera/kernel';
import { ADMIN_ROLE, Workflow, WorkflowVersion } from '@tessera/workflows';
import { durationCheck, durationTrigger, runProperties } from './duration.ts';

/** An execution's lifecycle; a PostgreSQL native enum `execution_status`. */
export const EXECUTION_STATUSES = ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const;

/** One of {@link EXECUTION_STATUSES}. */
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

const checks = defineChecks('Execution', 'executions.executions', [
  durationCheck('executions'),
  {
    name: 'retry_count_non_negative',
    property: 'retryCount',
    expression: 'retry_count >= 0',
    test: (v: number) => Number.isInteger(v) && v >= 0,
    message: 'must be a non-negative integer',
  },
  {
    name: 'completed_after_started',
    property: 'completedAt',
    expression: 'completed_at is null or completed_at >= started_at',
    test: (v: Date, e) => !(e.startedAt instanceof Date) || v.getTime() >= e.startedAt.getTime(),
    message: 'must not be before startedAt',
  },
  // Metadata is a JSON object by contract; a string or an array is refused.
  jsonObjectCheck('metadata', 'metadata'),
]);

/** One run of a workflow version. */
export const Execution = defineEntity({
  name: 'Execution',
  tableName: 'executions',
  schema: 'executions',
  properties: {
    id: idProperty(),
    workflow: () => p.manyToOne(Workflow).deleteRule('restrict').index(),
    workflowVersion: () => p.manyToOne(WorkflowVersion).deleteRule('restrict'),
    triggeredBy: () => p.manyToOne(User).fieldName('triggered_by').deleteRule('restrict').index(),
    status: p.enum(EXECUTION_STATUSES).nativeEnumName('execution_status').default('pending').index(),
    inputData: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    ...runProperties(),
    metadata: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    ...timestampProperties(),
  },
  indexes: [
    {
      name: 'ix_executions_created_at',
      expression: 'create index "ix_executions_created_at" on "executions"."executions" ("created_at" desc)',
    },
    {
      name: 'ix_executions_completed_at',
      expression:
        'create index "ix_executions_completed_at" on "executions"."executions" ("completed_at" desc) where completed_at is not null',
    },
    // The covering index of the list query (id, status, triggered_by, created_at of one workflow, newest first):
    // with the id included it is an index-only scan that stops after `limit` entries, with no heap fetch.
    {
      name: 'ix_executions_list',
      expression:
        'create index "ix_executions_list" on "executions"."executions" ("workflow_id", "created_at" desc) include ("status", "triggered_by", "id")',
    },
  ],
  checks,
  triggers: [updatedAtTrigger('executions'), durationTrigger('executions')],
  policies: [
    {
      name: 'executions_owner',
      using: `triggered_by = ${currentUserOnceSql}`,
      check: `triggered_by = ${currentUserOnceSql}`,
    },
    // The superuser view is a database role, not a setting the application role could set itself.
    { name: 'executions_admin', roles: [ADMIN_ROLE], using: 'true', check: 'true' },
  ],
});

/** A loaded execution. */
export type IExecution = InferEntity<typeof Execution>;
