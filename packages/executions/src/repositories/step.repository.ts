import {
  declareConsistency,
  flushOrDetach,
  IllegalStateError,
  isUuid,
  NotFoundError,
  ValidationError,
  validateEntity,
} from '@tessera/kernel';
import { ActorRepository } from '@tessera/workflows';
import { Execution } from '../entities/execution.entity.ts';
import { ExecutionStep, type IExecutionStep, type StepStatus } from '../entities/execution-step.entity.ts';

/** A step to record. */
export interface RecordStepInput {
  stepName: string;
  stepIndex: number;
  stepType: string;
  inputData?: Record<string, unknown> | null;
}

/**
 * The steps of executions: recorded pending, started, then finished as completed, failed or skipped. Acts for one
 * user and joins the transaction of the EntityManager it was given, if any (see `ActorRepository`).
 */
export class StepRepository extends ActorRepository {
  /** Records a step of a running or paused execution the actor can see. */
  async record(executionId: string, input: RecordStepInput): Promise<IExecutionStep> {
    return this.transactional(async (tx) => {
      const execution = isUuid(executionId) ? await tx.findOne(Execution, { id: executionId }) : null;
      if (!execution) throw new NotFoundError('Execution', { id: executionId });
      if (!['running', 'paused'].includes(execution.status)) {
        throw new IllegalStateError('Execution', execution.status, 'a new step');
      }
      const data = {
        ...input,
        execution,
        status: 'pending' as const,
        inputData: input.inputData ?? null,
        retryCount: 0,
      };
      validateEntity(tx.getMetadata(ExecutionStep), data);
      const step = tx.create(ExecutionStep, data);
      await flushOrDetach(tx, [step]);
      return step;
    });
  }

  /** pending → running; records `started_at`. */
  start(stepId: string): Promise<IExecutionStep> {
    return this.move(stepId, ['pending'], 'running', (s) => {
      s.startedAt = new Date();
    });
  }

  /** running → completed or failed (the database computes `duration_ms`), or pending → skipped. */
  finish(
    stepId: string,
    status: Extract<StepStatus, 'completed' | 'failed' | 'skipped'>,
    result: { outputData?: Record<string, unknown>; errorMessage?: string } = {},
  ): Promise<IExecutionStep> {
    if (!['completed', 'failed', 'skipped'].includes(status)) {
      return Promise.reject(new ValidationError('ExecutionStep', 'status', 'must be completed, failed or skipped'));
    }
    return this.move(stepId, status === 'skipped' ? ['pending'] : ['running'], status, (s) => {
      s.outputData = result.outputData ?? null;
      s.errorMessage = result.errorMessage ?? null;
      s.completedAt = new Date();
    });
  }

  /** An execution's steps in order. */
  async list(executionId: string): Promise<IExecutionStep[]> {
    return this.transactional(async (tx) => {
      const execution = isUuid(executionId) ? await tx.findOne(Execution, { id: executionId }) : null;
      if (!execution) throw new NotFoundError('Execution', { id: executionId });
      return tx.find(ExecutionStep, { execution }, { orderBy: { stepIndex: 'asc', createdAt: 'asc' } });
    });
  }

  private async move(
    stepId: string,
    from: readonly StepStatus[],
    to: StepStatus,
    apply: (s: IExecutionStep) => void,
  ): Promise<IExecutionStep> {
    const id = await this.transactional(async (tx) => {
      const step = isUuid(stepId) ? await tx.findOne(ExecutionStep, { id: stepId }, { populate: ['execution'] }) : null;
      if (!step) throw new NotFoundError('ExecutionStep', { id: stepId });
      if (!from.includes(step.status)) throw new IllegalStateError('ExecutionStep', step.status, to);
      step.status = to;
      apply(step);
      await flushOrDetach(tx, [step]);
      return step.id;
    });
    return this.transactional((tx) => tx.findOneOrFail(ExecutionStep, { id }, { refresh: true }));
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(StepRepository, {
  reads: { list: 'read-your-writes' },
  writes: ['record', 'start', 'finish'],
  internal: ['move'],
});
