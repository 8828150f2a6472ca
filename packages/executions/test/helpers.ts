import type { IUser } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import type { TestDatabase } from '@tessera/testing';
import type { IWorkflow } from '@tessera/workflows';
import { workflowFactory } from '@tessera/workflows/testing';
import { type ExecutionRecord, ExecutionRepository } from '../src/index.ts';

/** What the helpers return. */
export interface Owned {
  owner: IUser;
  workflow: IWorkflow;
  repo: () => ExecutionRepository;
}

/** A workflow with its owner, and an execution repository acting as that owner. */
export async function ownedWorkflow(db: TestDatabase): Promise<Owned> {
  const owner = await userFactory(db.em());
  const workflow = await workflowFactory(db.em(), { owner });
  const repo = () => new ExecutionRepository(db.em(), { userId: owner.id });
  return { owner, workflow, repo };
}

/** An execution moved straight to `status` in SQL (as the table owner), to test the transitions out of it. */
export async function executionIn(db: TestDatabase, status: string): Promise<Owned & { execution: ExecutionRecord }> {
  const ctx = await ownedWorkflow(db);
  const execution = await ctx.repo().start(ctx.workflow.id);
  await db.query(
    `update executions.executions set status = $2::text::executions.execution_status,
       started_at = case when $2::text = 'pending' then null else now() end,
       completed_at = case when $2::text in ('completed', 'failed', 'cancelled') then now() else null end where id = $1`,
    [execution.id, status],
  );
  return { ...ctx, execution };
}
