import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';
import { durationCheck, durationTrigger, runProperties, viaExecutionPolicy } from './duration.ts';
import { Execution } from './execution.entity.ts';

/** A step's lifecycle; a PostgreSQL native enum `step_status`. */
export const STEP_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped'] as const;

/** One of {@link STEP_STATUSES}. */
export type StepStatus = (typeof STEP_STATUSES)[number];

const checks = defineChecks('ExecutionStep', 'executions.execution_steps', [
  {
    name: 'step_index_non_negative',
    property: 'stepIndex',
    expression: 'step_index >= 0',
    test: (v: number) => Number.isInteger(v) && v >= 0,
    message: 'must be a non-negative integer',
  },
  durationCheck('execution_steps'),
  {
    name: 'completed_after_started',
    property: 'completedAt',
    expression: 'completed_at is null or started_at is null or completed_at >= started_at',
    test: (v: Date, e) => !(e.startedAt instanceof Date) || v.getTime() >= e.startedAt.getTime(),
    message: 'must not be before startedAt',
  },
]);

/** One step of an execution (an agent call, a webhook, an approval…), in order by `stepIndex`. */
export const ExecutionStep = defineEntity({
  name: 'ExecutionStep',
  tableName: 'execution_steps',
  schema: 'executions',
  properties: {
    id: idProperty(),
    execution: () => p.manyToOne(Execution).deleteRule('cascade').index(),
    stepName: p.string().length(255),
    stepIndex: p.integer(),
    stepType: p.string().length(100),
    status: p.enum(STEP_STATUSES).nativeEnumName('step_status').default('pending').index(),
    inputData: p.json<Record<string, unknown>>().nullable(),
    ...runProperties(),
    ...timestampProperties(),
  },
  indexes: [{ name: 'ix_execution_steps_step_index', properties: ['execution', 'stepIndex'] }],
  checks,
  triggers: [updatedAtTrigger('execution_steps'), durationTrigger('execution_steps')],
  policies: [viaExecutionPolicy('execution_steps')],
});

/** A loaded execution step. */
export type IExecutionStep = InferEntity<typeof ExecutionStep>;
