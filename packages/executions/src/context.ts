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
  rawObjects: ['execution_logs_default', 'workflow_execution_stats', 'ix_workflow_execution_stats_workflow_id'],
});
