import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { ExecutionRepository, ExecutionStatsRepository, executions } from '../src/index.ts';
import { executionFactory, executionLogFactory, executionStepFactory } from '../src/testing.ts';

const db = useTestDatabase(executions);

describe('executions factories', () => {
  it('build a completed execution with a step and logs that its owner sees through the repositories', async () => {
    const execution = await executionFactory(db.em(), { status: 'completed' });
    const step = await executionStepFactory(db.em(), { execution, status: 'completed', stepName: 'summarise' });
    await executionLogFactory(db.em(), { execution, step, message: 'calling the agent' });
    await executionLogFactory(db.em(), { execution, level: 'error', message: 'retrying' });

    const ownerId = execution.triggeredBy.id;
    const seen = await new ExecutionRepository(db.em(), { userId: ownerId }).get(execution.id);
    expect(seen).toMatchObject({
      status: 'completed',
      durationMs: 60_000,
      workflowId: execution.workflow.id,
      workflowVersionId: execution.workflowVersion.id,
      triggeredBy: ownerId,
    });
    expect(seen.completedAt?.getTime()).toBe((seen.startedAt?.getTime() ?? 0) + 60_000);
    const rows = await db.query<{ step_name: string | null; level: string; message: string }>(
      `select s.step_name, l.level::text as level, l.message from executions.execution_logs l
         left join executions.execution_steps s on s.id = l.execution_step_id where l.execution_id = $1
        order by l.message`,
      [execution.id],
    );
    expect(rows).toEqual([
      { step_name: 'summarise', level: 'info', message: 'calling the agent' },
      { step_name: null, level: 'error', message: 'retrying' },
    ]);
    const stats = new ExecutionStatsRepository(db.em());
    await stats.refresh();
    expect(await stats.forWorkflow(execution.workflow.id)).toMatchObject({
      totalExecutions: 1,
      successfulCount: 1,
      avgDurationMs: 60_000,
    });
  });

  it('write as the table owner: another user does not see the execution (RLS applies to reads)', async () => {
    const mine = await executionFactory(db.em(), { status: 'failed' });
    const other = await executionFactory(db.em());
    const repo = new ExecutionRepository(db.em(), { userId: other.triggeredBy.id });
    await expect(repo.get(mine.id)).rejects.toMatchObject({ entity: 'Execution' });
    expect(mine.errorMessage).toBe('step failed');
  });
});
