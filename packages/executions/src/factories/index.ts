import type { EntityManager } from '@mikro-orm/postgresql';
import type { IUser } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import { flushOrDetach } from '@tessera/kernel';
import type { IWorkflow } from '@tessera/workflows';
import { workflowFactory } from '@tessera/workflows/testing';
import { Execution, type ExecutionStatus, type IExecution } from '../entities/execution.entity.ts';
import { ExecutionLog, type IExecutionLog, type LogLevel } from '../entities/execution-log.entity.ts';
import { ExecutionStep, type IExecutionStep, type StepStatus } from '../entities/execution-step.entity.ts';

/*
 * These factories write with the EntityManager they are given, as the connecting role, not through the
 * RLS-aware repositories: fixtures and `tessera seed` create rows for many users at once and in any state
 * (a completed run with its steps, a failed one), which the repositories only reach through the lifecycle.
 * The connecting role owns the tables (or is a superuser), so row-level security does not apply to these
 * writes; reads through ExecutionRepository still see only the actor's rows. Everything runs in the caller's
 * transaction (logs too: an ORM insert, not copyLogs' COPY on its own pooled connection).
 */

const DONE: readonly ExecutionStatus[] = ['completed', 'failed', 'cancelled'];

/** Fields a test may override on an execution; `workflow` defaults to a new one owned by `triggeredBy`. */
export type ExecutionOverrides = Partial<
  Omit<IExecution, 'id' | 'workflow' | 'workflowVersion' | 'triggeredBy' | 'createdAt' | 'updatedAt'>
> & { workflow?: IWorkflow; triggeredBy?: IUser };

/**
 * Persists (and flushes) an execution of the workflow's current version. A `running` or finished status gets
 * `startedAt` (a minute ago) and a finished one `completedAt` (now), so the row satisfies every CHECK.
 */
export async function executionFactory(em: EntityManager, overrides: ExecutionOverrides = {}): Promise<IExecution> {
  const { workflow: given, triggeredBy: by, ...fields } = overrides;
  const triggeredBy = by ?? (await userFactory(em));
  const workflow = given ?? (await workflowFactory(em, { owner: triggeredBy }));
  const status = fields.status ?? 'pending';
  const now = Date.now();
  const execution = em.create(Execution, {
    workflow: workflow.id,
    workflowVersion: workflow.currentVersion?.id as string,
    triggeredBy: triggeredBy.id,
    status,
    inputData: {},
    outputData: status === 'completed' ? { ok: true } : null,
    errorMessage: status === 'failed' ? 'step failed' : null,
    startedAt: status === 'pending' ? null : new Date(now - 60_000),
    completedAt: DONE.includes(status) ? new Date(now) : null,
    durationMs: DONE.includes(status) ? 60_000 : null,
    retryCount: 0,
    metadata: {},
    ...fields,
  });
  await flushOrDetach(em, [execution]);
  return execution;
}

/** Fields a test may override on a step; `execution` is required. */
export type StepOverrides = Partial<Omit<IExecutionStep, 'id' | 'execution' | 'createdAt' | 'updatedAt'>> & {
  execution: IExecution;
};

/** Persists (and flushes) step 0 (an `agent` step) of `execution`; a finished status gets its times. */
export async function executionStepFactory(em: EntityManager, overrides: StepOverrides): Promise<IExecutionStep> {
  const { execution, ...fields } = overrides;
  const status: StepStatus = fields.status ?? 'pending';
  const now = Date.now();
  const finished = status === 'completed' || status === 'failed';
  const step = em.create(ExecutionStep, {
    execution: execution.id,
    stepName: 'start',
    stepIndex: 0,
    stepType: 'agent',
    status,
    inputData: null,
    outputData: status === 'completed' ? { ok: true } : null,
    errorMessage: status === 'failed' ? 'agent call failed' : null,
    startedAt: status === 'pending' || status === 'skipped' ? null : new Date(now - 30_000),
    completedAt: finished ? new Date(now) : null,
    durationMs: finished ? 30_000 : null,
    retryCount: 0,
    ...fields,
  });
  await flushOrDetach(em, [step]);
  return step;
}

/** Fields a test may override on a log line; `execution` is required, `step` optional. */
export type LogOverrides = { execution: IExecution; step?: IExecutionStep | null; level?: LogLevel } & Partial<
  Pick<IExecutionLog, 'message' | 'context' | 'createdAt'>
>;

/** Persists (and flushes) one `info` log line of `execution` (and of `step`, if given). */
export async function executionLogFactory(em: EntityManager, overrides: LogOverrides): Promise<IExecutionLog> {
  const { execution, step, ...fields } = overrides;
  const log = em.create(ExecutionLog, {
    execution: execution.id,
    executionStep: step?.id ?? null,
    level: 'info',
    message: 'step started',
    context: {},
    createdAt: new Date(),
    ...fields,
  });
  await flushOrDetach(em, [log]);
  return log;
}
