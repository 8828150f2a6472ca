/** @tessera/executions: executions, their steps and partitioned logs, and the stats materialized view. */
export { executions } from './context.ts';
export { EXECUTION_STATUSES, Execution, type ExecutionStatus, type IExecution } from './entities/execution.entity.ts';
export { ExecutionLog, type IExecutionLog, LOG_LEVELS, type LogLevel } from './entities/execution-log.entity.ts';
export {
  ExecutionStep,
  type IExecutionStep,
  STEP_STATUSES,
  type StepStatus,
} from './entities/execution-step.entity.ts';
export { copyLogs, type LogInput } from './logs/log-writer.ts';
export {
  EXECUTION_LOGS_TABLE,
  ExecutionRepository,
  type StartExecutionInput,
} from './repositories/execution.repository.ts';
export { type ExecutionListItem, MAX_EXECUTION_PAGE } from './repositories/execution-list.ts';
export { ExecutionStatsRepository, type WorkflowExecutionStats } from './repositories/stats.repository.ts';
export { type RecordStepInput, StepRepository } from './repositories/step.repository.ts';
export { canTransition, type ExecutionAction, TRANSITIONS } from './rules/transitions.ts';
