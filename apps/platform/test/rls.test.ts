import { executionFactory, executionLogFactory, executionStepFactory } from '@tessera/executions/testing';
import type { IUser } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import { useTestDatabase } from '@tessera/testing';
import { AgentRepository } from '@tessera/workflows';
import { agentFactory, workflowFactory } from '@tessera/workflows/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';

/**
 * Row-level security as the application role sees it, for every table of every schema the role can reach. The
 * reachable set comes from the catalog, so a new table granted to the role fails the first test until it is
 * listed below with its owner and has policies; every listed table is then exercised for reads, updates,
 * deletes and inserts as two users, as nobody, and as the admin role.
 */
const db = useTestDatabase(...platform.contexts);

const APP = 'tessera_app';
const ADMIN = 'tessera_admin';

interface TableRule {
  /** The privileges the app role has (sorted): anything more is a finding. */
  readonly privileges: string;
  /** SQL (on alias `t`) for the user a row belongs to. */
  readonly owner: string;
  /** Fields to change when copying a row for an insert, so unique keys do not clash. */
  readonly copy?: Record<string, unknown>;
}

const viaExecution = '(select e.triggered_by from executions.executions e where e.id = t.execution_id)';
const ALL = 'DELETE,INSERT,SELECT,UPDATE';
const TABLES: Record<string, TableRule> = {
  'workflows.workflows': { privileges: ALL, owner: 't.created_by' },
  'workflows.workflow_versions': {
    privileges: ALL,
    owner: '(select w.created_by from workflows.workflows w where w.id = t.workflow_id)',
    copy: { version_number: 99 },
  },
  'workflows.agents': { privileges: ALL, owner: 't.created_by' },
  'workflows.agent_tools': {
    privileges: ALL,
    owner: '(select a.created_by from workflows.agents a where a.id = t.agent_id)',
    copy: { tool_name: 'copied' },
  },
  'executions.executions': { privileges: ALL, owner: 't.triggered_by' },
  'executions.execution_steps': { privileges: ALL, owner: viaExecution },
  'executions.execution_logs': { privileges: ALL, owner: viaExecution, copy: { id: 9_000_000_000 } },
  // Written by the workflows audit trigger: insert only, and only in the acting user's name.
  'audit.audit_logs': { privileges: 'INSERT', owner: 't.user_id', copy: { id: 9_000_000_000 } },
};

/** Runs `work` in a transaction as `role` with the settings, then rolls back: nothing a test does here stays. */
async function as<T>(role: string, settings: Record<string, string>, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`set local role ${role}`);
    for (const [k, v] of Object.entries(settings)) await client.query('select set_config($1, $2, true)', [k, v]);
    return await work(client);
  } finally {
    await client.query('rollback').catch(() => {});
    await client.end();
  }
}

/** The error of a statement (in a savepoint, so the transaction goes on), or undefined when it succeeded. */
async function attempt(
  c: pg.Client,
  sql: string,
  params: unknown[] = [],
): Promise<(Error & { code?: string }) | undefined> {
  await c.query('savepoint s');
  try {
    await c.query(sql, params);
    await c.query('release savepoint s');
    return undefined;
  } catch (error) {
    await c.query('rollback to savepoint s');
    return error as Error & { code?: string };
  }
}

let alice: IUser;
let bob: IUser;
const user = (u: IUser) => ({ 'app.current_user_id': u.id });

/** The ids of a table's rows owned by `owner` (read as the table owner, the truth to compare with). */
async function idsOf(table: string, owner: IUser): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select t.id::text as id from ${table} t where ${TABLES[table]?.owner} = $1 order by 1`,
    [owner.id],
  );
  return rows.map((r) => r.id);
}

/** One row of `owner` as JSON with a fresh id (and the table's copy fields), ready to insert again. */
async function copyOf(table: string, owner: IUser): Promise<Record<string, unknown>> {
  const [row] = await db.query<{ row: Record<string, unknown> }>(
    `select to_jsonb(t) as row from ${table} t where ${TABLES[table]?.owner} = $1 limit 1`,
    [owner.id],
  );
  const isUuid = typeof row?.row.id === 'string';
  return { ...row?.row, id: isUuid ? crypto.randomUUID() : row?.row.id, ...TABLES[table]?.copy };
}

const insertCopy = (table: string) => `insert into ${table} select * from jsonb_populate_record(null::${table}, $1)`;

beforeAll(async () => {
  alice = await userFactory(db.em());
  bob = await userFactory(db.em());
  for (const owner of [alice, bob]) {
    const workflow = await workflowFactory(db.em(), { owner });
    const agent = await agentFactory(db.em(), { owner });
    await new AgentRepository(db.em(), { userId: owner.id }).addTool(agent.id, {
      toolName: 'search',
      toolType: 'function',
      configuration: {},
    });
    const execution = await executionFactory(db.em(), { workflow, triggeredBy: owner, status: 'running' });
    const step = await executionStepFactory(db.em(), { execution, status: 'running' });
    await executionLogFactory(db.em(), { execution, step });
  }
});

describe('the application role reaches only tables with row-level security', () => {
  it('every table, view or partition the role can reach is listed here, has RLS, and has exactly these privileges', async () => {
    const reachable = await db.query<{
      name: string;
      kind: string;
      rls: boolean;
      partition: boolean;
      privileges: string;
    }>(
      `select format('%s.%s', n.nspname, c.relname) as name, c.relkind::text as kind, c.relrowsecurity as rls,
              c.relispartition as partition,
              array_to_string(array(select p from unnest(array['DELETE', 'INSERT', 'SELECT', 'UPDATE']) p
                where has_table_privilege($1, c.oid, p) or (p <> 'DELETE' and has_any_column_privilege($1, c.oid, p))), ',') as privileges
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p', 'v', 'm', 'f')
         and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
         and has_schema_privilege($1, n.oid, 'USAGE')
         and (has_table_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
              or has_any_column_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))
       order by 1`,
      [APP],
    );
    expect(reachable.map((r) => r.name)).toEqual(Object.keys(TABLES).sort());
    for (const r of reachable) {
      expect({ table: r.name, kind: r.kind, rls: r.rls, partition: r.partition, privileges: r.privileges }).toEqual({
        table: r.name,
        kind: expect.stringMatching(/^[rp]$/),
        rls: true,
        partition: false,
        privileges: TABLES[r.name]?.privileges,
      });
    }
  });
});

const readable = Object.entries(TABLES).filter(([, rule]) => rule.privileges.includes('SELECT'));

describe.each(readable)('%s as the application role', (table) => {
  it('a user sees exactly their own rows', async () => {
    for (const u of [alice, bob]) {
      const mine = await idsOf(table, u);
      expect(mine.length).toBeGreaterThan(0);
      const seen = await as(
        APP,
        user(u),
        async (c) => (await c.query(`select id::text as id from ${table} order by 1`)).rows,
      );
      expect(seen.map((r) => r.id)).toEqual(mine);
    }
  });

  it("a user changes and deletes only their own rows, never another user's", async () => {
    const [bobs] = await idsOf(table, bob);
    const [alices] = await idsOf(table, alice);
    await as(APP, user(alice), async (c) => {
      expect((await c.query(`update ${table} set id = id where id::text = $1`, [bobs])).rowCount).toBe(0);
      expect((await c.query(`delete from ${table} where id::text = $1`, [bobs])).rowCount).toBe(0);
      expect((await c.query(`update ${table} set id = id where id::text = $1`, [alices])).rowCount).toBe(1);
    });
    expect(await idsOf(table, bob)).toContain(bobs);
  });

  it("a user inserts rows that are theirs, and is refused a row that is another user's", async () => {
    const own = await copyOf(table, alice);
    const foreign = await copyOf(table, bob);
    await as(APP, user(alice), async (c) => {
      expect(await attempt(c, insertCopy(table), [own])).toBeUndefined();
      expect(await attempt(c, insertCopy(table), [foreign])).toMatchObject({ code: '42501' });
    });
  });

  it('with no settings, or with only app.is_superuser set, the role sees, changes and inserts nothing', async () => {
    const own = await copyOf(table, alice);
    const settingsList: Record<string, string>[] = [
      {},
      { 'app.is_superuser': 'true' },
      { 'app.current_user_id': '', 'app.is_superuser': 'on' },
    ];
    for (const settings of settingsList) {
      await as(APP, settings, async (c) => {
        expect((await c.query(`select 1 from ${table}`)).rows).toEqual([]);
        expect((await c.query(`update ${table} set id = id`)).rowCount).toBe(0);
        expect((await c.query(`delete from ${table}`)).rowCount).toBe(0);
        expect(await attempt(c, insertCopy(table), [own])).toMatchObject({ code: '42501' });
      });
    }
  });

  it('the admin role sees every row', async () => {
    const total = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    const seen = await as(ADMIN, {}, async (c) => (await c.query(`select count(*)::int as n from ${table}`)).rows);
    expect(seen).toEqual(total);
  });
});

describe('audit.audit_logs as the application role', () => {
  const row = (userId: string | null) => ({ action: 'update', resource_type: 'workflow', user_id: userId });
  const insert =
    'insert into audit.audit_logs (user_id, action, resource_type) select user_id, action, resource_type from jsonb_populate_record(null::audit.audit_logs, $1)';

  it("accepts a row only in the acting user's name", async () => {
    await as(APP, user(alice), async (c) => {
      expect(await attempt(c, insert, [row(alice.id)])).toBeUndefined();
      expect(await attempt(c, insert, [row(bob.id)])).toMatchObject({ code: '42501' });
      expect(await attempt(c, insert, [row(null)])).toMatchObject({ code: '42501' });
    });
    await as(APP, {}, async (c) => {
      expect(await attempt(c, insert, [row(alice.id)])).toMatchObject({ code: '42501' });
    });
  });

  it('cannot read, change or delete audit rows', async () => {
    await as(APP, user(alice), async (c) => {
      for (const sql of [
        'select 1 from audit.audit_logs',
        'update audit.audit_logs set user_id = user_id',
        'delete from audit.audit_logs',
      ]) {
        expect(await attempt(c, sql)).toMatchObject({ code: '42501' });
      }
    });
  });
});

describe('the superuser view is a database role the application role cannot take', () => {
  it('tessera_app is not a member of tessera_admin, so SET ROLE is refused', async () => {
    const [member] = await db.query<{ member: boolean }>(`select pg_has_role($1, $2, 'MEMBER') as member`, [
      APP,
      ADMIN,
    ]);
    expect(member).toEqual({ member: false });
    // The session acts as the app role itself (not as a superuser that merely switched role), as a service
    // login that is only a member of tessera_app would.
    await as(APP, {}, async (c) => {
      await c.query(`set local session authorization ${APP}`);
      expect(await attempt(c, `set local role ${ADMIN}`)).toMatchObject({ code: '42501' });
      expect(await attempt(c, `select set_config('role', '${ADMIN}', true)`)).toMatchObject({ code: '42501' });
      expect((await c.query('select current_user as u')).rows).toEqual([{ u: APP }]);
    });
  });
});
