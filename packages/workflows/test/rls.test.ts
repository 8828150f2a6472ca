import type { EntityManager } from '@mikro-orm/postgresql';
import { userFactory } from '@tessera/identity/testing';
import { NotFoundError, sql } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActorRepository, AgentRepository, APP_ROLE, Workflow, WorkflowRepository, workflows } from '../src/index.ts';
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

/** Who the transaction runs as right now, and the acting user it carries ('' or null: nobody). */
const whoAmI = async (em: EntityManager) =>
  (
    await sql<{ role: string; uid: string | null }>(em, {
      text: `select current_user as role, nullif(current_setting('app.current_user_id', true), '') as uid`,
    })
  )[0];

const versionCount = async (workflowId: string) =>
  (
    await db.query<{ n: number }>('select count(*)::int as n from workflows.workflow_versions where workflow_id = $1', [
      workflowId,
    ])
  )[0]?.n;

/** Undoes the caller's transaction by throwing this. */
class CallerRollback extends Error {}

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

describe("repositories in the caller's transaction", () => {
  it('write in it: uncommitted until the caller commits, and gone when the caller rolls back', async () => {
    let created = '';
    let agentId = '';
    const outcome = db.em().transactional(async (tx) => {
      const repo = new WorkflowRepository(tx, { userId: alice.id });
      created = (await repo.create({ name: 'draft in a transaction', definition: { steps: [] } })).id;
      await repo.publish(aliceFlow.id, { definition: { steps: ['two'] } });
      agentId = (
        await new AgentRepository(tx, { userId: alice.id }).create({ name: 'a', type: 'custom', configuration: {} })
      ).id;
      // The caller's transaction sees the writes (and the repository, inside it); another connection does not yet.
      expect((await repo.get(created)).name).toBe('draft in a transaction');
      expect(await repo.versions(aliceFlow.id)).toHaveLength(2);
      expect(await db.query('select id from workflows.workflows where id = $1', [created])).toEqual([]);
      expect(await versionCount(aliceFlow.id)).toBe(1);
      throw new CallerRollback();
    });
    await expect(outcome).rejects.toBeInstanceOf(CallerRollback);
    expect(await db.query('select id from workflows.workflows where id = $1', [created])).toEqual([]);
    expect(await db.query('select id from workflows.agents where id = $1', [agentId])).toEqual([]);
    expect(await versionCount(aliceFlow.id)).toBe(1);
    expect(await db.query('select status from workflows.workflows where id = $1', [aliceFlow.id])).toEqual([
      { status: 'draft' },
    ]);

    // Committed with the caller's own statements.
    const kept = await db.em().transactional(async (tx) => {
      const carol = await userFactory(tx);
      const workflow = await new WorkflowRepository(tx, { userId: carol.id }).create({ name: 'kept', definition: {} });
      await sql(tx, {
        text: 'update workflows.workflows set description = $1 where id = $2',
        values: ['by the caller', workflow.id],
      });
      return workflow.id;
    });
    expect(await db.query('select name, description from workflows.workflows where id = $1', [kept])).toEqual([
      { name: 'kept', description: 'by the caller' },
    ]);
  });

  it("apply row-level security in it: another owner's workflow is not found, nor changed", async () => {
    await db.em().transactional(async (tx) => {
      // The caller (the tables' owner) has Bob's workflow in its identity map; Alice's repository still may not see it.
      expect((await tx.findOneOrFail(Workflow, { id: bobFlow.id })).name).toBe('bob');
      const repo = new WorkflowRepository(tx, { userId: alice.id });
      await expect(repo.get(bobFlow.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo.versions(bobFlow.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo.archive(bobFlow.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo.publish(bobFlow.id, { definition: {} })).rejects.toBeInstanceOf(NotFoundError);
      expect((await repo.list({})).map((w) => w.name)).not.toContain('bob');
      // A refused call leaves the caller's transaction usable.
      expect(
        await sql(tx, { text: 'select name from workflows.workflows where id = $1', values: [bobFlow.id] }),
      ).toEqual([{ name: 'bob' }]);
    });
    expect(await db.query('select status from workflows.workflows where id = $1', [bobFlow.id])).toEqual([
      { status: 'draft' },
    ]);
    expect(await versionCount(bobFlow.id)).toBe(1);
  });

  it("hand the transaction back with the caller's role and settings, after a call that succeeds or fails", async () => {
    await db
      .em()
      .transactional(async (tx) => {
        const caller = await userFactory(tx);
        await sql(tx, { text: `select set_config('app.current_user_id', $1, true)`, values: [caller.id] });
        const own = { role: 'postgres', uid: caller.id };
        const repo = new WorkflowRepository(tx, { userId: alice.id });
        await repo.get(aliceFlow.id);
        expect(await whoAmI(tx)).toEqual(own);
        await repo.create({ name: 'x', definition: {} });
        expect(await whoAmI(tx)).toEqual(own);
        await repo.versions(aliceFlow.id);
        expect(await whoAmI(tx)).toEqual(own);
        await expect(repo.archive(bobFlow.id)).rejects.toBeInstanceOf(NotFoundError);
        expect(await whoAmI(tx)).toEqual(own);
        await new WorkflowRepository(tx, { userId: bob.id, isSuperuser: true }).list({});
        expect(await whoAmI(tx)).toEqual(own);
        throw new CallerRollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof CallerRollback)) throw e;
      });
  });
});

/** A repository of this test's own: what its two ways to run SQL see. */
class Probe extends ActorRepository {
  viaBatch() {
    return this.batch([{ text: `select current_user as role, current_setting('app.current_user_id') as uid` }]).then(
      ([rows]) => rows?.[0],
    );
  }

  viaUnitOfWork() {
    return this.transactional((tx) => whoAmI(tx));
  }
}

describe('ActorRepository', () => {
  it('runs its batches and its unit of work as the actor, in or out of a transaction, and ends with the caller as it was', async () => {
    const actor = { role: APP_ROLE, uid: alice.id };
    const probe = new Probe(db.em(), { userId: alice.id });
    expect(await probe.viaBatch()).toEqual(actor);
    expect(await probe.viaUnitOfWork()).toEqual(actor);
    expect(probe.actor).toEqual({ userId: alice.id });
    await db.em().transactional(async (tx) => {
      const inside = new Probe(tx, { userId: alice.id });
      expect(await inside.viaBatch()).toEqual(actor);
      expect(await whoAmI(tx)).toEqual({ role: 'postgres', uid: null });
      expect(await inside.viaUnitOfWork()).toEqual(actor);
      expect(await whoAmI(tx)).toEqual({ role: 'postgres', uid: null });
    });
  });

  it('refuses an actor without a valid user id', () => {
    expect(() => new Probe(db.em(), { userId: 'nobody' })).toThrow(/Actor\.userId/);
  });
});
