import { identity } from '@tessera/identity';
import { defineContext } from '@tessera/kernel';
import { workflows } from '@tessera/workflows';
import { Execution } from './entities/execution.entity.ts';
import { ExecutionLog } from './entities/execution-log.entity.ts';
import { ExecutionStep } from './entities/execution-step.entity.ts';
import { migrations } from './migrations/index.ts';

/** The executions context: executions, steps and partitioned logs, with the stats materialized view. Schema `executions`. */
export const executions = defineContext({
  name: 'executions',
  dependsOn: [identity, workflows],
  entities: [Execution, ExecutionStep, ExecutionLog],
  migrations,
  // Sample data for `tessera seed`, loaded only when seeding: factories and faker stay out of the runtime entry.
  seed: () => import('./seed.ts'),
  rawObjects: [
    { kind: 'partition', name: 'execution_logs_default' },
    { kind: 'materialized view', name: 'workflow_execution_stats' },
    { kind: 'index', name: 'ix_workflow_execution_stats_workflow_id' },
  ],
  partitionedTables: [{ table: 'execution_logs', column: 'created_at', interval: 'month' }],
  materializedViews: [{ name: 'workflow_execution_stats', concurrently: true }],
});
