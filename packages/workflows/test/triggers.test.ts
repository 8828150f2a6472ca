import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { AgentRepository, WorkflowRepository, workflows } from '../src/index.ts';
import { agentFactory, workflowFactory } from '../src/testing.ts';

const db = useTestDatabase(workflows);

describe('updated_at triggers', () => {
  // `now()` is the transaction's time: equal to it means the trigger set updated_at in this very UPDATE.
  it.each([
    ['workflows', async () => (await workflowFactory(db.em())).id, 'description = $2'],
    ['agents', async () => (await agentFactory(db.em())).id, 'description = $2'],
    [
      'agent_tools',
      async () => {
        const agent = await agentFactory(db.em());
        const repo = new AgentRepository(db.em(), { userId: agent.owner.id });
        return (await repo.addTool(agent.id, { toolName: 't', toolType: 'api', configuration: {} })).id;
      },
      'tool_type = $2',
    ],
  ])('keep %s.updated_at fresh for a raw SQL UPDATE', async (table, create, assignment) => {
    const id = await create();
    const [after] = await db.query<{ fresh: boolean }>(
      `update workflows.${table} set ${assignment} where id = $1 returning updated_at = now() as fresh`,
      [id, 'changed outside the ORM'],
    );
    expect(after?.fresh).toBe(true);
  });
});

describe('the audit trigger on workflows', () => {
  const trail = async (id: string) =>
    db.query<{ action: string; user_id: string; changes: { before?: { name: string }; after?: { name: string } } }>(
      `select action, user_id, changes from audit.audit_logs where resource_type = 'workflow' and resource_id = $1
        order by id`,
      [id],
    );

  it('records create, update and delete with the state before and after, and who did it', async () => {
    const wf = await workflowFactory(db.em(), { name: 'first' });
    await db.query(`update workflows.workflows set name = 'second' where id = $1`, [wf.id]);
    await new WorkflowRepository(db.em(), { userId: wf.owner.id }).delete(wf.id);

    const rows = await trail(wf.id);
    // create (the insert), update (version 1 made current in the same transaction), update (rename), delete
    expect(rows.map((r) => r.action)).toEqual(['create', 'update', 'update', 'delete']);
    expect(rows.every((r) => r.user_id === wf.owner.id)).toBe(true);
    expect(rows[0]?.changes).toMatchObject({ after: { name: 'first' } });
    expect(rows[0]?.changes.before).toBeUndefined();
    expect(rows[2]?.changes).toMatchObject({ before: { name: 'first' }, after: { name: 'second' } });
    expect(rows[3]?.changes).toMatchObject({ before: { name: 'second' } });
    expect(rows[3]?.changes.after).toBeUndefined();
  });

  it('names the acting user, not the creator, when a superuser changes a workflow', async () => {
    const wf = await workflowFactory(db.em());
    const admin = await agentFactory(db.em()).then((a) => a.owner);
    await new WorkflowRepository(db.em(), { userId: admin.id, isSuperuser: true }).archive(wf.id);
    const rows = await trail(wf.id);
    expect(rows.at(-1)).toMatchObject({ action: 'update', user_id: admin.id });
    expect(rows.at(-1)?.changes).toMatchObject({ after: { status: 'archived' } });
  });
});
