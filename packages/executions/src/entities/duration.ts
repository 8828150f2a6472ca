import { p } from '@mikro-orm/core';

/**
 * The columns of a run, shared by executions and execution_steps: its output or error, when it started and
 * completed, its duration (set by {@link durationTrigger}) and how often it was retried.
 */
export function runProperties() {
  return {
    outputData: p.json<Record<string, unknown>>().nullable(),
    errorMessage: p.text().nullable(),
    startedAt: p.datetime().columnType('timestamptz').nullable(),
    completedAt: p.datetime().columnType('timestamptz').nullable(),
    durationMs: p.integer().nullable(),
    retryCount: p.integer().default(0),
  };
}

/**
 * The duration trigger, shared by executions and execution_steps: when a row first gets `completed_at`,
 * the database computes `duration_ms`, so writes from outside the ORM get it too.
 */
export function durationTrigger(table: string) {
  return {
    name: `tg_${table}_duration`,
    timing: 'before' as const,
    events: ['update' as const],
    forEach: 'row' as const,
    // Written exactly as PostgreSQL prints it back (information_schema.triggers), so the drift check matches it.
    when: '((new.completed_at IS NOT NULL) AND (old.completed_at IS NULL))',
    body: `IF NEW.completed_at IS NOT NULL AND NEW.started_at IS NOT NULL THEN
    NEW.duration_ms = EXTRACT(EPOCH FROM (NEW.completed_at - NEW.started_at)) * 1000;
  END IF;
  RETURN NEW;`,
  };
}

/** The CHECK both tables share: a duration is never negative. */
export const durationCheck = (table: string) => ({
  name: 'duration_positive',
  property: 'durationMs',
  expression: 'duration_ms >= 0',
  test: (v: number) => Number.isInteger(v) && v >= 0,
  message: `must be a non-negative number of milliseconds (${table})`,
});

/**
 * Row-level security of a table whose rows belong to an execution: a row is visible, changeable and insertable
 * exactly when its execution is (the subquery runs under the executions policies, so the owner and the admin
 * role see what they see there, and nobody else sees anything).
 */
export function viaExecutionPolicy(table: string) {
  const visible = `EXISTS (SELECT 1 FROM executions.executions e WHERE e.id = ${table}.execution_id)`;
  return { name: `${table}_via_execution`, using: visible, check: visible };
}
