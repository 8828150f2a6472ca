import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '@tessera/kernel';
import { type Actor, roleFor } from '@tessera/workflows';
import type pg from 'pg';
import type { ExecutionStatus } from '../entities/execution.entity.ts';

/**
 * One row of a workflow's execution list: the covering index's columns plus the id. Seed 002's index
 * `(workflow_id, created_at DESC) INCLUDE (status, triggered_by)` serves the filter and the order (no sort, the
 * scan stops after `limit` entries); the id costs one heap fetch per returned row.
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

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The hot read. Row-level security needs the role and two settings local to a transaction, which through the ORM
 * costs four round trips (BEGIN, set_config, the query, COMMIT) and hydration. Here it is one round trip: the
 * settings and the query go as one simple-protocol message, which PostgreSQL runs as one implicit transaction. Values are inlined, which is safe only because every one
 * is validated first: UUIDs by pattern, the role from a fixed pair, the limit as an integer.
 */
export async function listByWorkflow(
  em: EntityManager,
  actor: Actor,
  workflowId: string,
  limit: number,
): Promise<ExecutionListItem[]> {
  if (!UUID_PATTERN.test(workflowId)) throw new ValidationError('Execution', 'workflow', 'must be a UUID');
  if (!UUID_PATTERN.test(actor.userId)) throw new ValidationError('Actor', 'userId', 'must be a UUID');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXECUTION_PAGE) {
    throw new ValidationError('Execution', 'limit', `must be an integer from 1 to ${MAX_EXECUTION_PAGE}`);
  }
  // One simple-protocol message is one implicit transaction: the settings made with set_config(…, true), the role
  // included, hold for the SELECT after them and are gone when the message ends, as SET LOCAL would be.
  const text =
    `select set_config('role', '${roleFor(actor)}', true), set_config('app.current_user_id', '${actor.userId}', true); ` +
    `select id, status, triggered_by as "triggeredBy", created_at as "createdAt" from executions.executions ` +
    `where workflow_id = '${workflowId}' order by created_at desc limit ${limit}`;
  const pool = (await em.getConnection().getNativeClient()) as pg.Pool;
  const results = (await pool.query(text)) as unknown as pg.QueryResult<RawItem>[];
  // MikroORM's pool keeps timestamps as text (its own hydration parses them); this path parses them itself.
  const rows = results[1]?.rows ?? [];
  const items: ExecutionListItem[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as RawItem;
    items[i] = { id: r.id, status: r.status, triggeredBy: r.triggeredBy, createdAt: new Date(r.createdAt) };
  }
  return items;
}
