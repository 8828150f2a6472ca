import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { partitionKeyCreatedAt } from '@tessera/kernel';
import { viaExecutionPolicy } from './duration.ts';
import { Execution } from './execution.entity.ts';
import { ExecutionStep } from './execution-step.entity.ts';

/** Log severities; a PostgreSQL native enum `log_level`. */
export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One log line of an execution. Append-only and high-volume: a bigint identity key, range-partitioned
 * by month on `created_at` in raw SQL (see the migration), hence `created_at` in the key. Written in bulk by COPY.
 */
export const ExecutionLog = defineEntity({
  name: 'ExecutionLog',
  tableName: 'execution_logs',
  schema: 'executions',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    execution: () => p.manyToOne(Execution).deleteRule('cascade').index(),
    executionStep: () => p.manyToOne(ExecutionStep).nullable().deleteRule('cascade'),
    level: p.enum(LOG_LEVELS).nativeEnumName('log_level').index(),
    message: p.text(),
    context: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    createdAt: partitionKeyCreatedAt(),
  },
  indexes: [
    { name: 'ix_execution_logs_step_id', properties: ['executionStep'] },
    {
      name: 'ix_execution_logs_created_at',
      expression: 'create index "ix_execution_logs_created_at" on "executions"."execution_logs" ("created_at" desc)',
    },
  ],
  policies: [viaExecutionPolicy('execution_logs')],
});

/** A loaded log line. */
export type IExecutionLog = InferEntity<typeof ExecutionLog>;
