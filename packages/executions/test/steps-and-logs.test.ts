import { CheckViolationError, ForeignKeyViolationError, IllegalStateError, ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { executions, StepRepository } from '../src/index.ts';
import { executionIn } from './helpers.ts';

const db = useTestDatabase(executions);

const logsOf = (executionId: string) =>
  db.query<{ level: string; message: string; context: unknown; execution_step_id: string | null }>(
    'select level, message, context, execution_step_id from executions.execution_logs where execution_id = $1 order by id',
    [executionId],
  );

describe('steps', () => {
  it('are recorded, started and finished; the database computes their duration', async () => {
    const { execution, owner } = await executionIn(db, 'running');
    const steps = () => new StepRepository(db.em(), { userId: owner.id });
    const a = await steps().record(execution.id, { stepName: 'fetch', stepIndex: 0, stepType: 'webhook' });
    const b = await steps().record(execution.id, { stepName: 'approve', stepIndex: 1, stepType: 'approval' });
    await steps().start(a.id);
    const done = await steps().finish(a.id, 'completed', { outputData: { rows: 3 } });
    expect(done.status).toBe('completed');
    const [row] = await db.query<{ duration_ms: number; expected: number }>(
      `select duration_ms, (extract(epoch from (completed_at - started_at)) * 1000)::int as expected
         from executions.execution_steps where id = $1`,
      [a.id],
    );
    expect(row?.duration_ms).toBe(row?.expected);
    expect((await steps().finish(b.id, 'skipped')).status).toBe('skipped');
    await expect(steps().finish(b.id, 'completed')).rejects.toBeInstanceOf(IllegalStateError);
    expect((await steps().list(execution.id)).map((s) => [s.stepName, s.status])).toEqual([
      ['fetch', 'completed'],
      ['approve', 'skipped'],
    ]);
  });

  it('a negative step index is a CheckViolationError; a step of a finished execution is refused', async () => {
    const { execution, owner } = await executionIn(db, 'running');
    const steps = new StepRepository(db.em(), { userId: owner.id });
    const error = await steps
      .record(execution.id, { stepName: 'x', stepIndex: -1, stepType: 'agent' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'ExecutionStep', field: 'stepIndex' });
    const finished = await executionIn(db, 'completed');
    await expect(
      new StepRepository(db.em(), { userId: finished.owner.id }).record(finished.execution.id, {
        stepName: 'late',
        stepIndex: 0,
        stepType: 'agent',
      }),
    ).rejects.toBeInstanceOf(IllegalStateError);
  });
});

describe('logs', () => {
  it('are appended in a batch, text round-tripping exactly, with or without a step', async () => {
    const { execution, owner, repo } = await executionIn(db, 'running');
    const step = await new StepRepository(db.em(), { userId: owner.id }).record(execution.id, {
      stepName: 's',
      stepIndex: 0,
      stepType: 'agent',
    });
    const tricky = 'tab\there\nnew line \\ backslash \\N not null';
    const n = await repo().appendLogs(execution.id, [
      { level: 'info', message: 'started' },
      { level: 'error', message: tricky, context: { path: 'a\\b', note: 'x\ty' }, stepId: step.id },
    ]);
    expect(n).toBe(2);
    expect(await logsOf(execution.id)).toEqual([
      { level: 'info', message: 'started', context: {}, execution_step_id: null },
      { level: 'error', message: tricky, context: { path: 'a\\b', note: 'x\ty' }, execution_step_id: step.id },
    ]);
  });

  it('streams a batch larger than one COPY chunk whole', async () => {
    const { execution, repo } = await executionIn(db, 'running');
    const logs = Array.from({ length: 20_000 }, (_, i) => ({ level: 'info' as const, message: `line ${i}` }));
    expect(await repo().appendLogs(execution.id, logs)).toBe(20_000);
    const [row] = await db.query<{ n: number; last: string }>(
      `select count(*)::int as n, max(message) filter (where message = 'line 19999') as last
         from executions.execution_logs where execution_id = $1`,
      [execution.id],
    );
    expect(row).toEqual({ n: 20_000, last: 'line 19999' });
  });

  it('a bad level is a ValidationError naming the line, and nothing of the batch is written', async () => {
    const { execution, repo } = await executionIn(db, 'running');
    const error = await repo()
      .appendLogs(execution.id, [
        { level: 'info', message: 'ok' },
        { level: 'loud' as never, message: 'bad' },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'ExecutionLog', field: 'level' });
    expect((error as Error).message).toContain('row 1');
    expect(await logsOf(execution.id)).toEqual([]);
  });

  it('a step that does not exist is a ForeignKeyViolationError, and nothing of the batch is written', async () => {
    const { execution, repo } = await executionIn(db, 'running');
    const error = await repo()
      .appendLogs(execution.id, [
        { level: 'info', message: 'ok' },
        { level: 'info', message: 'orphan', stepId: '0193a0b0-0000-7000-8000-0000000000aa' },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ entity: 'ExecutionLog', fields: ['executionStep'] });
    expect(await logsOf(execution.id)).toEqual([]);
  });

  it('land in the DEFAULT partition for a month without one, and move to their partition when it is created', async () => {
    const { execution, repo } = await executionIn(db, 'running');
    await repo().appendLogs(execution.id, [
      { level: 'debug', message: 'future', createdAt: new Date('2033-02-10T00:00:00Z') },
    ]);
    const where = async () =>
      (
        await db.query<{ part: string }>(
          `select tableoid::regclass::text as part from executions.execution_logs where execution_id = $1`,
          [execution.id],
        )
      ).map((r) => r.part);
    expect(await where()).toEqual(['executions.execution_logs_default']);
    const result = await repo().maintainLogPartitions({ now: new Date('2033-02-01T00:00:00Z'), ahead: 0 });
    expect(result.created).toContain('execution_logs_p203302');
    expect(result.movedRows).toBeGreaterThanOrEqual(1);
    expect(await where()).toEqual(['executions.execution_logs_p203302']);
  });

  it('are deleted with their execution (cascade), as are steps', async () => {
    const { execution, owner, repo } = await executionIn(db, 'running');
    await new StepRepository(db.em(), { userId: owner.id }).record(execution.id, {
      stepName: 's',
      stepIndex: 0,
      stepType: 'agent',
    });
    await repo().appendLogs(execution.id, [{ level: 'info', message: 'x' }]);
    await db.query('delete from executions.executions where id = $1', [execution.id]);
    expect(await logsOf(execution.id)).toEqual([]);
    expect(await db.query('select 1 from executions.execution_steps where execution_id = $1', [execution.id])).toEqual(
      [],
    );
  });
});
