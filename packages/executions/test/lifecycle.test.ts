import { IllegalStateError, NotFoundError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { WorkflowRepository } from '@tessera/workflows';
import { describe, expect, it } from 'vitest';
import {
  EXECUTION_STATUSES,
  type ExecutionAction,
  type ExecutionRepository,
  executions,
  TRANSITIONS,
} from '../src/index.ts';
import { executionIn, ownedWorkflow } from './helpers.ts';

const db = useTestDatabase(executions);

const act = (repo: ExecutionRepository, action: ExecutionAction, id: string) =>
  action === 'complete' ? repo.complete(id, {}) : action === 'fail' ? repo.fail(id, 'boom') : repo[action](id);

describe('ExecutionRepository lifecycle', () => {
  it("starts a pending execution of the workflow's current version", async () => {
    const { workflow, owner, repo } = await ownedWorkflow(db);
    const v2 = await new WorkflowRepository(db.em(), { userId: owner.id }).publish(workflow.id, { definition: {} });
    const execution = await repo().start(workflow.id, { inputData: { order: 7 } });
    expect(execution.status).toBe('pending');
    const [row] = await db.query(
      'select workflow_version_id, triggered_by, input_data from executions.executions where id = $1',
      [execution.id],
    );
    expect(row).toEqual({ workflow_version_id: v2.id, triggered_by: owner.id, input_data: { order: 7 } });
  });

  it('refuses to start an archived workflow, one without a current version, or one the actor cannot see', async () => {
    const { workflow, owner, repo } = await ownedWorkflow(db);
    await db.query('update workflows.workflows set current_version_id = null where id = $1', [workflow.id]);
    await expect(repo().start(workflow.id)).rejects.toBeInstanceOf(IllegalStateError);
    await new WorkflowRepository(db.em(), { userId: owner.id }).archive(workflow.id);
    await expect(repo().start(workflow.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE', from: 'archived' });
    const other = await ownedWorkflow(db);
    await expect(other.repo().start(workflow.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('runs, pauses, resumes and completes; the database computes duration_ms from the timestamps', async () => {
    const { workflow, repo } = await ownedWorkflow(db);
    const { id } = await repo().start(workflow.id);
    expect((await repo().run(id)).status).toBe('running');
    expect((await repo().pause(id)).status).toBe('paused');
    expect((await repo().resume(id)).status).toBe('running');
    const done = await repo().complete(id, { ok: true });
    expect(done).toMatchObject({ status: 'completed', outputData: { ok: true } });
    const [row] = await db.query<{ duration_ms: number; expected: number }>(
      `select duration_ms, (extract(epoch from (completed_at - started_at)) * 1000)::int as expected
         from executions.executions where id = $1`,
      [id],
    );
    expect(row?.duration_ms).toBe(row?.expected);
    expect(done.durationMs).toBe(row?.duration_ms);
  });

  it('fails, then retries back to pending with the count raised and the outcome cleared', async () => {
    const { workflow, repo } = await ownedWorkflow(db);
    const { id } = await repo().start(workflow.id);
    await repo().run(id);
    expect(await repo().fail(id, 'timeout')).toMatchObject({ status: 'failed', errorMessage: 'timeout' });
    const retried = await repo().retry(id);
    expect(retried).toMatchObject({
      status: 'pending',
      retryCount: 1,
      errorMessage: null,
      completedAt: null,
      durationMs: null,
    });
    await repo().cancel(id);
    expect((await repo().retry(id)).retryCount).toBe(2);
  });

  const illegal = EXECUTION_STATUSES.flatMap((status) =>
    (Object.keys(TRANSITIONS) as ExecutionAction[])
      .filter((action) => !TRANSITIONS[action].from.includes(status))
      .map((action) => [action, status] as const),
  );
  it.each(illegal)(
    'refuses to %s an execution that is %s, with an IllegalStateError, changing nothing',
    async (action, status) => {
      const { execution, repo } = await executionIn(db, status);
      const error = await act(repo(), action, execution.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IllegalStateError);
      expect(error).toMatchObject({ entity: 'Execution', from: status, to: TRANSITIONS[action].to });
      expect(await db.query('select status from executions.executions where id = $1', [execution.id])).toEqual([
        { status },
      ]);
    },
  );

  it('a failure needs a message', async () => {
    const { execution, repo } = await executionIn(db, 'running');
    await expect(repo().fail(execution.id, ' ')).rejects.toMatchObject({ field: 'errorMessage' });
  });
});
