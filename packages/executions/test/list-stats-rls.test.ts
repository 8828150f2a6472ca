import { User } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import { ForeignKeyViolationError, NotFoundError, translated } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { Workflow } from '@tessera/workflows';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ExecutionRepository, ExecutionStatsRepository, executions } from '../src/index.ts';
import { ownedWorkflow } from './helpers.ts';

const db = useTestDatabase(executions);

describe('listing, stats and row-level security', () => {
  it('lists a workflow’s executions newest first, only to whoever may see them', async () => {
    const { workflow, owner, repo } = await ownedWorkflow(db);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await repo().start(workflow.id)).id);
    // Distinct creation times without waiting: spread them in SQL.
    await db.query(
      `update executions.executions set created_at = created_at - (interval '1 minute' * (3 - array_position($1::uuid[], id)))
        where id = any($1::uuid[])`,
      [ids],
    );
    const list = await repo().listByWorkflow(workflow.id, { limit: 2 });
    expect(list.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    expect(list[0]).toMatchObject({ status: 'pending', triggeredBy: owner.id });
    expect(list[0]?.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(['createdAt', 'id', 'status', 'triggeredBy']);

    const stranger = await userFactory(db.em());
    expect(await new ExecutionRepository(db.em(), { userId: stranger.id }).listByWorkflow(workflow.id)).toEqual([]);
    await expect(
      new ExecutionRepository(db.em(), { userId: stranger.id }).get(ids[0] as string),
    ).rejects.toBeInstanceOf(NotFoundError);
    const admin = new ExecutionRepository(db.em(), { userId: stranger.id, isSuperuser: true });
    expect(await admin.listByWorkflow(workflow.id)).toHaveLength(3);
  });

  it('the list reads the covering index in order: no sort, whatever the size', async () => {
    const { workflow } = await ownedWorkflow(db);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // On a tiny table the planner would rather sort a handful of rows; at scale it picks this plan by itself.
      await client.query('set enable_seqscan = off; set enable_bitmapscan = off; set enable_sort = off');
      const { rows } = await client.query(
        `explain select id, status, triggered_by, created_at from executions.executions
          where workflow_id = $1 order by created_at desc limit 50`,
        [workflow.id],
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index (Only )?Scan using ix_executions_list/);
      expect(plan).not.toMatch(/Sort/);
    } finally {
      await client.end();
    }
  });

  it('with no settings the application role sees no executions, and gets no error', async () => {
    const { workflow, repo } = await ownedWorkflow(db);
    await repo().start(workflow.id);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('begin; set local role tessera_app');
      expect((await client.query('select * from executions.executions')).rows).toEqual([]);
      await client.query('commit');
    } finally {
      await client.end();
    }
  });

  it('refreshes the stats view concurrently and reads a workflow’s numbers', async () => {
    const { workflow, repo } = await ownedWorkflow(db);
    const a = await repo().start(workflow.id);
    const b = await repo().start(workflow.id);
    await repo().start(workflow.id);
    await repo().run(a.id);
    await repo().complete(a.id);
    await repo().fail(b.id, 'x');
    const stats = new ExecutionStatsRepository(db.em());
    expect(await stats.forWorkflow(workflow.id)).toBeNull();
    await stats.refresh();
    const [{ duration }] = (await db.query<{ duration: number }>(
      'select duration_ms as duration from executions.executions where id = $1',
      [a.id],
    )) as [{ duration: number }];
    expect(await stats.forWorkflow(workflow.id)).toEqual({
      workflowId: workflow.id,
      totalExecutions: 3,
      successfulCount: 1,
      failedCount: 1,
      avgDurationMs: duration,
    });
    expect((await stats.all()).map((s) => s.workflowId)).toContain(workflow.id);
  });

  it('a workflow or user with executions cannot be deleted (ON DELETE RESTRICT)', async () => {
    const { workflow, owner, repo } = await ownedWorkflow(db);
    await repo().start(workflow.id);
    const em = db.em();
    await expect(translated(em, () => em.nativeDelete(Workflow, { id: workflow.id }))).rejects.toBeInstanceOf(
      ForeignKeyViolationError,
    );
    await expect(translated(em, () => em.nativeDelete(User, { id: owner.id }))).rejects.toBeInstanceOf(
      ForeignKeyViolationError,
    );
  });

  it('the database enforces the execution CHECKs', async () => {
    const { workflow, repo } = await ownedWorkflow(db);
    const { id } = await repo().start(workflow.id);
    for (const [assignment, constraint] of [
      ['retry_count = -1', 'ck_executions_retry_count_non_negative'],
      ['duration_ms = -5', 'ck_executions_duration_positive'],
      [`started_at = now(), completed_at = now() - interval '1 hour'`, 'ck_executions_completed_after_started'],
    ]) {
      await expect(
        db.query(`update executions.executions set ${assignment} where id = $1`, [id]),
      ).rejects.toMatchObject({
        constraint,
      });
    }
  });
});
