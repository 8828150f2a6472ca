import { declareConsistency, Repository, readConnection, sql } from '@tessera/kernel';

/** One row of the materialized view `workflow_execution_stats`. */
export interface WorkflowExecutionStats {
  workflowId: string;
  totalExecutions: number;
  successfulCount: number;
  failedCount: number;
  /** Null while no execution has a duration. */
  avgDurationMs: number | null;
}

/**
 * The dashboard numbers. A materialized view: reading is cheap, and the numbers are as of the last
 * {@link ExecutionStatsRepository.refresh}. Materialized views have no row-level security, so this repository
 * is for operators and dashboards, and runs as the connecting role (which owns the view and may refresh it).
 */
export class ExecutionStatsRepository extends Repository {
  /** Recomputes the view without blocking readers (CONCURRENTLY, which the view's unique index allows). */
  async refresh(): Promise<void> {
    await sql(this.em, { text: 'refresh materialized view concurrently executions.workflow_execution_stats' });
  }

  /** The stats of one workflow, or null when it has no executions (as of the last refresh). */
  async forWorkflow(workflowId: string): Promise<WorkflowExecutionStats | null> {
    // Reads go through readConnection, which sends them to a replica when the caller's consistency allows.
    const db = await readConnection(this.em);
    const [row] = (await db.query(`${SELECT} where workflow_id = $1`, [workflowId])).rows;
    return row ? toStats(row) : null;
  }

  /** The stats of every workflow, busiest first. */
  async all(): Promise<WorkflowExecutionStats[]> {
    const db = await readConnection(this.em);
    const { rows } = await db.query(`${SELECT} order by total_executions desc, workflow_id`);
    return rows.map(toStats);
  }
}

const SELECT =
  'select workflow_id, total_executions, successful_count, failed_count, avg_duration_ms from executions.workflow_execution_stats';

function toStats(row: Record<string, unknown>): WorkflowExecutionStats {
  return {
    workflowId: String(row.workflow_id),
    totalExecutions: Number(row.total_executions),
    successfulCount: Number(row.successful_count),
    failedCount: Number(row.failed_count),
    avgDurationMs: row.avg_duration_ms === null ? null : Number(row.avg_duration_ms),
  };
}

// Read consistency per method (callers override with withConsistency). The statistics are a materialized view,
// stale until the next refresh anyway: dashboards may ask for withConsistency('replica').
declareConsistency(ExecutionStatsRepository, {
  reads: { forWorkflow: 'read-your-writes', all: 'read-your-writes' },
  writes: ['refresh'],
});
