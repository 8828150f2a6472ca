import { useTestDatabase } from '@tessera/testing';
import { actorSettings } from '@tessera/workflows';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { executions } from '../src/index.ts';
import { LIST_TEXT } from '../src/repositories/execution.repository.ts';
import { ownedWorkflow } from './helpers.ts';

const db = useTestDatabase(executions);

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Heap Fetches'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Parent Relationship'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** Every node of a JSON plan, depth first. */
function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

/** `count` executions of the workflow `template` belongs to, one second apart, inserted in SQL as the table owner. */
async function seed(template: string, count: number): Promise<void> {
  await db.query(
    `insert into executions.executions (id, workflow_id, workflow_version_id, triggered_by, created_at)
     select gen_random_uuid(), e.workflow_id, e.workflow_version_id, e.triggered_by, now() - g * interval '1 second'
       from executions.executions e, generate_series(1, $2::int) g
      where e.id = $1`,
    [template, count],
  );
}

/** The list's plan as the repository runs it: its SQL, under the actor's role and row-level security settings. */
async function explainAs(userId: string, workflowId: string): Promise<PlanNode[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('begin');
    for (const [name, value] of Object.entries(actorSettings({ userId }))) {
      if (name === 'role') await client.query(`set local role ${client.escapeIdentifier(value)}`);
      else await client.query('select set_config($1, $2, true)', [name, value]);
    }
    const { rows } = await client.query(`explain (analyze, buffers, format json) ${LIST_TEXT}`, [workflowId, 50]);
    await client.query('commit');
    return nodes((rows[0]['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan);
  } finally {
    await client.end();
  }
}

describe('the list of a workflow’s newest executions', () => {
  it('is an index-only scan of the covering index on a vacuumed table: no heap fetch, no sort', async () => {
    const mine = await ownedWorkflow(db);
    const theirs = await ownedWorkflow(db);
    await seed((await mine.repo().start(mine.workflow.id)).id, 3000);
    await seed((await theirs.repo().start(theirs.workflow.id)).id, 3000);
    // An index-only scan skips the heap only on pages the visibility map marks all-visible, which VACUUM can do
    // only once no open snapshot predates the rows. Other test files' sessions on the same server can hold that
    // horizon back for a while, so VACUUM is repeated a few times, and the heap-fetch count is checked only when
    // every page ended up marked.
    let allVisible = false;
    for (let attempt = 0; attempt < 5 && !allVisible; attempt++) {
      await db.query('vacuum (analyze) executions.executions');
      const [pages] = await db.query<{ all: boolean }>(
        `select relallvisible >= relpages as all from pg_class where oid = 'executions.executions'::regclass`,
      );
      allVisible = pages?.all === true;
    }

    const plan = await explainAs(mine.owner.id, mine.workflow.id);
    const scan = plan.find((n) => n['Index Name'] === 'ix_executions_list');
    expect(scan?.['Node Type']).toBe('Index Only Scan');
    if (allVisible) expect(scan?.['Heap Fetches']).toBe(0);
    expect(scan?.['Actual Rows']).toBe(50);
    expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it('reads the acting user once per statement, not once for each row the policy filters', async () => {
    const mine = await ownedWorkflow(db);
    await seed((await mine.repo().start(mine.workflow.id)).id, 200);

    const plan = await explainAs(mine.owner.id, mine.workflow.id);
    expect(plan[0]?.['Actual Rows']).toBe(50);
    // The policy's comparison takes the acting user from an InitPlan, run once; the filter itself calls no function.
    // PostgreSQL 15 and 16 print the InitPlan's value as `$0`, 17 and later as `(InitPlan 1).col1`.
    const once = plan.filter((n) => n['Parent Relationship'] === 'InitPlan');
    expect(once).toHaveLength(1);
    expect(once[0]?.['Actual Loops']).toBe(1);
    const filters = plan.flatMap((n) => (n.Filter?.includes('triggered_by') ? [n.Filter] : []));
    expect(filters).toEqual([expect.stringMatching(/^\(triggered_by = (\$\d+|\(InitPlan \d+\)\.col\d+)\)$/)]);
  });
});
