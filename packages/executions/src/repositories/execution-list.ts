import type { EntityManager } from '@mikro-orm/postgresql';
import { pageLimit, sqlBatch, validateId } from '@tessera/kernel';
import type { ExecutionStatus } from '../entities/execution.entity.ts';

/**
 * One row of a workflow's execution list: exactly the covering index's columns. The index
 * `(workflow_id, created_at DESC) INCLUDE (status, triggered_by, id)` serves the filter, the order (no sort, the
 * scan stops after `limit` entries) and every returned column, so on a vacuumed table the list is an index-only
 * scan with no heap fetch (the row-level security policy reads `triggered_by`, which the index has too).
 */
export interface ExecutionListItem {
  id: string;
  status: ExecutionStatus;
  triggeredBy: string;
  createdAt: Date;
}

type RawItem = Omit<ExecutionListItem, 'createdAt'> & { createdAt: string | Date };

/** The largest page of {@link listByWorkflow}. */
export const MAX_EXECUTION_PAGE = 500;

/** The list's SQL (`$1` the workflow id, `$2` the limit), as the repository sends it. */
export const LIST_TEXT =
  'select id, status, triggered_by as "triggeredBy", created_at as "createdAt" from executions.executions ' +
  'where workflow_id = $1 order by created_at desc limit $2';

/**
 * The hot read. Row-level security needs the role and two settings local to a transaction, which through the ORM
 * costs four round trips (BEGIN, set_config, the query, COMMIT) and hydration. Here the settings and the query
 * are two named prepared statements sent in one round trip, with bound parameters, returning plain typed rows.
 */
export async function listByWorkflow(
  em: EntityManager,
  settings: Readonly<Record<string, string>>,
  workflowId: string,
  limit: number,
): Promise<ExecutionListItem[]> {
  validateId('Execution', 'workflow', workflowId);
  const size = pageLimit('Execution', limit, { max: MAX_EXECUTION_PAGE, default: MAX_EXECUTION_PAGE });
  const [listed] = await sqlBatch(
    em,
    [{ name: 'executions.list_by_workflow', text: LIST_TEXT, values: [workflowId, size] }],
    { settings },
  );
  // MikroORM's pool keeps timestamps as text (its own hydration parses them); this path parses them itself.
  const rows = (listed ?? []) as RawItem[];
  const items: ExecutionListItem[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as RawItem;
    items[i] = { id: r.id, status: r.status, triggeredBy: r.triggeredBy, createdAt: new Date(r.createdAt) };
  }
  return items;
}
