import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError, sql } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { ExecutionRepository, executions, StepRepository } from '../src/index.ts';
import { ownedWorkflow } from './helpers.ts';

const db = useTestDatabase(executions);

/** Who the transaction runs as right now, and the acting user it carries. */
const whoAmI = async (em: EntityManager) =>
  (
    await sql<{ role: string; uid: string | null }>(em, {
      text: `select current_user as role, nullif(current_setting('app.current_user_id', true), '') as uid`,
    })
  )[0];

/** Undoes the caller's transaction by throwing this. */
class CallerRollback extends Error {}

describe("execution repositories in the caller's transaction", () => {
  it('write in it, and a rollback of the caller undoes every write (start, a transition, a step, logs)', async () => {
    const { owner, workflow } = await ownedWorkflow(db);
    const actor = { userId: owner.id };
    let id = '';
    const outcome = db.em().transactional(async (tx) => {
      const repo = new ExecutionRepository(tx, actor);
      id = (await repo.start(workflow.id)).id;
      expect((await repo.run(id)).status).toBe('running');
      await new StepRepository(tx, actor).record(id, { stepName: 'fetch', stepIndex: 0, stepType: 'agent' });
      expect(await repo.appendLogs(id, [{ level: 'info', message: 'started' }])).toBe(1);
      expect((await repo.listByWorkflow(workflow.id)).map((e) => [e.id, e.status])).toEqual([[id, 'running']]);
      // Not committed: another connection sees nothing yet.
      expect(await db.query('select id from executions.executions where id = $1', [id])).toEqual([]);
      throw new CallerRollback();
    });
    await expect(outcome).rejects.toBeInstanceOf(CallerRollback);
    for (const [table, column] of [
      ['executions', 'id'],
      ['execution_steps', 'execution_id'],
      ['execution_logs', 'execution_id'],
    ]) {
      expect(await db.query(`select 1 from executions.${table} where ${column} = $1`, [id])).toEqual([]);
    }
  });

  it("apply row-level security in it, and hand the transaction back with the caller's role and settings", async () => {
    const mine = await ownedWorkflow(db);
    const theirs = await ownedWorkflow(db);
    const their = await theirs.repo().start(theirs.workflow.id);
    await db.em().transactional(async (tx) => {
      await sql(tx, { text: `select set_config('app.current_user_id', $1, true)`, values: [theirs.owner.id] });
      const own = { role: 'postgres', uid: theirs.owner.id };
      const repo = new ExecutionRepository(tx, { userId: mine.owner.id });
      await expect(repo.get(their.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await whoAmI(tx)).toEqual(own);
      await expect(repo.run(their.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await whoAmI(tx)).toEqual(own);
      expect(await repo.listByWorkflow(theirs.workflow.id)).toEqual([]);
      expect(await whoAmI(tx)).toEqual(own);
      await expect(repo.appendLogs(their.id, [{ level: 'info', message: 'x' }])).rejects.toBeInstanceOf(NotFoundError);
      expect(await whoAmI(tx)).toEqual(own);
      await expect(
        new StepRepository(tx, { userId: mine.owner.id }).record(their.id, {
          stepName: 'x',
          stepIndex: 0,
          stepType: 'agent',
        }),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(await whoAmI(tx)).toEqual(own);
      const started = await repo.start(mine.workflow.id);
      expect((await repo.run(started.id)).status).toBe('running');
      expect(await whoAmI(tx)).toEqual(own);
    });
    expect(await db.query('select status from executions.executions where id = $1', [their.id])).toEqual([
      { status: 'pending' },
    ]);
  });
});
