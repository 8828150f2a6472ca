import { BatchValidationError, CheckViolationError, ValidationError } from '@tessera/kernel';
import { itRefusesBadInput, useTestDatabase } from '@tessera/testing';
import { beforeAll, describe, expect } from 'vitest';
import { executions } from '../src/context.ts';
import {
  Execution,
  type ExecutionRecord,
  ExecutionRepository,
  type IExecutionStep,
  type LogInput,
  StepRepository,
} from '../src/index.ts';
import { executionStepFactory } from '../src/testing.ts';
import { executionIn, type Owned } from './helpers.ts';

const db = useTestDatabase(executions);
const schemas = ['executions', 'workflows', 'audit'];

let ctx: Owned & { execution: ExecutionRecord };
let running: IExecutionStep;
beforeAll(async () => {
  ctx = await executionIn(db, 'running');
  const steps = new StepRepository(db.em(), { userId: ctx.owner.id });
  running = await steps.record(ctx.execution.id, { stepName: 's', stepIndex: 0, stepType: 'agent' });
  running = await new StepRepository(db.em(), { userId: ctx.owner.id }).start(running.id);
});

const actor = () => ({ userId: ctx.owner.id });
const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
const goodLine: LogInput = { level: 'info', message: 'ok' };
const append = (lines: LogInput[]) => () =>
  new ExecutionRepository(db.em(), actor()).appendLogs(ctx.execution.id, lines);
const rowIs = (row: number) => (e: Error) => expect((e as BatchValidationError).rows.map((r) => r.row)).toEqual([row]);

describe('executions refuse bad input with a typed error naming the field, and write nothing', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'a NUL byte in a log message (one bad line in the middle of a batch)',
      run: append([goodLine, { level: 'info', message: 'bad\0line' }, goodLine]),
      error: BatchValidationError,
      entity: 'ExecutionLog',
      field: 'message',
      check: rowIs(1),
    },
    {
      name: 'bad lines far apart in a batch larger than one validation chunk, each reported at its own index',
      run: append(
        Array.from(
          { length: 10_000 },
          (_, i): LogInput => (i === 3 || i === 9_001 ? { level: 'info', message: 'x\0' } : goodLine),
        ),
      ),
      error: BatchValidationError,
      entity: 'ExecutionLog',
      field: 'message',
      check: (e: Error) => expect((e as BatchValidationError).rows.map((r) => r.row)).toEqual([3, 9_001]),
    },
    {
      name: 'a number JSON cannot hold in a flat log context',
      run: append([goodLine, { level: 'info', message: 'm', context: { ratio: Number.POSITIVE_INFINITY } }]),
      error: BatchValidationError,
      entity: 'ExecutionLog',
      field: 'context',
      check: rowIs(1),
    },
    {
      name: 'a NUL byte deep in a log context',
      run: append([goodLine, { level: 'info', message: 'm', context: { a: [{ b: 'x\0' }] } }]),
      error: BatchValidationError,
      entity: 'ExecutionLog',
      field: 'context',
      check: rowIs(1),
    },
    {
      name: 'a circular object in a log context',
      run: append([{ level: 'info', message: 'm', context: circular }]),
      error: BatchValidationError,
      entity: 'ExecutionLog',
      field: 'context',
      check: rowIs(0),
    },
    {
      name: 'an invalid Date on a log line',
      run: append([{ level: 'info', message: 'm', createdAt: new Date(Number.NaN) }]),
      error: BatchValidationError,
      entity: 'ExecutionLog',
      field: 'createdAt',
    },
    {
      name: 'a log line for a step id that is not a UUID',
      run: append([{ level: 'info', message: 'm', stepId: 'step-1' }]),
      error: BatchValidationError,
      entity: 'ExecutionLog',
      field: 'executionStep',
    },
    {
      name: 'a NUL byte in a step output',
      run: () => new StepRepository(db.em(), actor()).finish(running.id, 'completed', { outputData: { text: 'a\0' } }),
      error: ValidationError,
      entity: 'ExecutionStep',
      field: 'outputData',
    },
    {
      name: 'a NUL byte in a step name',
      run: () =>
        new StepRepository(db.em(), actor()).record(ctx.execution.id, { stepName: 'a\0', stepIndex: 1, stepType: 'x' }),
      error: ValidationError,
      entity: 'ExecutionStep',
      field: 'stepName',
    },
    {
      name: 'Infinity for a step index',
      run: () =>
        new StepRepository(db.em(), actor()).record(ctx.execution.id, {
          stepName: 'a',
          stepIndex: Number.POSITIVE_INFINITY,
          stepType: 'x',
        }),
      error: ValidationError,
      entity: 'ExecutionStep',
      field: 'stepIndex',
    },
    {
      name: 'a step completed before it started, through the repository',
      run: () =>
        new StepRepository(db.em(), actor()).record(ctx.execution.id, {
          stepName: 'a',
          stepIndex: 2,
          stepType: 'x',
          startedAt: new Date('2026-01-02T00:00:00Z'),
          completedAt: new Date('2026-01-01T00:00:00Z'),
        } as never),
      error: CheckViolationError,
      entity: 'ExecutionStep',
      field: 'completedAt',
    },
    {
      name: 'a step completed before it started, through the factory',
      run: (em) =>
        executionStepFactory(em, {
          execution: em.getReference(Execution, ctx.execution.id),
          status: 'completed',
          startedAt: new Date('2026-01-02T00:00:00Z'),
          completedAt: new Date('2026-01-01T00:00:00Z'),
        }),
      error: CheckViolationError,
      entity: 'ExecutionStep',
      field: 'completedAt',
    },
    {
      name: 'metadata as a JSON string on an execution',
      run: () => new ExecutionRepository(db.em(), actor()).start(ctx.workflow.id, { metadata: '{"a":1}' as never }),
      error: ValidationError,
      entity: 'Execution',
      field: 'metadata',
    },
    {
      name: 'a NUL byte in execution input',
      run: () => new ExecutionRepository(db.em(), actor()).start(ctx.workflow.id, { inputData: { q: '\0' } }),
      error: ValidationError,
      entity: 'Execution',
      field: 'inputData',
    },
    {
      name: 'a NUL byte in a failure message',
      run: () => new ExecutionRepository(db.em(), actor()).fail(ctx.execution.id, 'boom\0'),
      error: ValidationError,
      entity: 'Execution',
      field: 'errorMessage',
    },
  ]);
});

describe('the database refuses a step completed before it started, also from outside the application', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'raw SQL update',
      run: async () => {
        const { translateDbError } = await import('@tessera/kernel');
        await db
          .query(`update executions.execution_steps set completed_at = started_at - interval '1 hour' where id = $1`, [
            running.id,
          ])
          .catch((e: unknown) => {
            throw translateDbError(e, db.orm.getMetadata());
          });
      },
      error: CheckViolationError,
      entity: 'ExecutionStep',
      field: 'completedAt',
    },
  ]);
});
