import { userFactory } from '@tessera/identity/testing';
import { NotFoundError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentRepository, WorkflowRepository, workflows } from '../src/index.ts';
import { agentFactory, workflowFactory } from '../src/testing.ts';

const db = useTestDatabase(workflows);

/** Runs SQL in one transaction as the application role, with the given settings (none: nothing set). */
async function asApp<T>(settings: Record<string, string>, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('set local role tessera_app');
    for (const [k, v] of Object.entries(settings)) await client.query('select set_config($1, $2, true)', [k, v]);
    const { rows } = await client.query(sql, params);
    await client.query('commit');
    return rows as T[];
  } finally {
    await client.end();
  }
}

let alice: Awaited<ReturnType<typeof userFactory>>;
let bob: Awaited<ReturnType<typeof userFactory>>;
let aliceFlow: Awaited<ReturnType<typeof workflowFactory>>;
let bobFlow: Awaited<ReturnType<typeof workflowFactory>>;
beforeAll(async () => {
  alice = await userFactory(db.em());
  bob = await userFactory(db.em());
  aliceFlow = await workflowFactory(db.em(), { owner: alice, name: 'alice' });
  bobFlow = await workflowFactory(db.em(), { owner: bob, name: 'bob' });
});

describe('row-level security through the application role', () => {
  it('an owner sees only their own workflows and versions', async () => {
    const repo = new WorkflowRepository(db.em(), { userId: alice.id });
    expect((await repo.list({})).map((w) => w.name)).toEqual(['alice']);
    await expect(repo.get(bobFlow.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repo.versions(bobFlow.id)).rejects.toBeInstanceOf(NotFoundError);
    const versions = await asApp<{ workflow_id: string }>(
      { 'app.current_user_id': alice.id },
      'select workflow_id from workflows.workflow_versions',
    );
    expect(versions.map((v) => v.workflow_id)).toEqual([aliceFlow.id]);
  });

  it("an owner cannot change another owner's workflow", async () => {
    const repo = new WorkflowRepository(db.em(), { userId: alice.id });
    await expect(repo.archive(bobFlow.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repo.publish(bobFlow.id, { definition: {} })).rejects.toBeInstanceOf(NotFoundError);
    const updated = await asApp(
      { 'app.current_user_id': alice.id },
      `update workflows.workflows set name = 'taken' where id = $1 returning id`,
      [bobFlow.id],
    );
    expect(updated).toEqual([]);
    // Nor create one in someone else's name: the policy's WITH CHECK refuses the row.
    await expect(
      asApp(
        { 'app.current_user_id': alice.id },
        `insert into workflows.workflows (id, name, created_by) values (gen_random_uuid(), 'x', $1)`,
        [bob.id],
      ),
    ).rejects.toThrow(/row-level security/);
    expect((await db.query('select name from workflows.workflows where id = $1', [bobFlow.id]))[0]).toEqual({
      name: 'bob',
    });
  });

  it('a superuser sees and changes every workflow', async () => {
    const admin = await userFactory(db.em(), { isSuperuser: true });
    const repo = new WorkflowRepository(db.em(), { userId: admin.id, isSuperuser: true });
    const names = (await repo.list({})).map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(['alice', 'bob']));
    await expect(repo.versions(bobFlow.id)).resolves.toHaveLength(1);
    const other = await workflowFactory(db.em(), { owner: bob });
    expect((await repo.archive(other.id)).status).toBe('archived');
  });

  it('with no settings at all the application role sees no rows, and gets no error', async () => {
    for (const table of ['workflows', 'workflow_versions', 'agents', 'agent_tools']) {
      expect(await asApp({}, `select * from workflows.${table}`)).toEqual([]);
    }
    // An empty setting (what a SET LOCAL leaves behind in the session) means the same.
    expect(
      await asApp({ 'app.current_user_id': '', 'app.is_superuser': '' }, 'select * from workflows.workflows'),
    ).toEqual([]);
    const total = await db.query<{ n: number }>('select count(*)::int as n from workflows.workflows');
    expect(total[0]?.n).toBeGreaterThan(0);
  });

  it('the settings last one transaction: a pooled connection does not carry them to the next user', async () => {
    const em = db.em();
    await new WorkflowRepository(em, { userId: alice.id }).list({});
    const [row] = await em
      .getConnection()
      .execute<{ uid: string | null; role: string }[]>(
        `select nullif(current_setting('app.current_user_id', true), '') as uid, current_user as role`,
      );
    expect(row).toEqual({ uid: null, role: 'postgres' });
  });

  it('agents and their tools follow the same rules', async () => {
    const agent = await agentFactory(db.em(), { owner: alice });
    await new AgentRepository(db.em(), { userId: alice.id }).addTool(agent.id, {
      toolName: 'search',
      toolType: 'function',
      configuration: {},
    });
    const bobs = new AgentRepository(db.em(), { userId: bob.id });
    await expect(bobs.get(agent.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(bobs.tools(agent.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await asApp({ 'app.current_user_id': bob.id }, 'select * from workflows.agent_tools')).toEqual([]);
    const admin = new AgentRepository(db.em(), { userId: bob.id, isSuperuser: true });
    expect((await admin.tools(agent.id)).map((t) => t.toolName)).toEqual(['search']);
  });
});
