/** @tessera/executions: executions, their steps and partitioned logs, and the stats materialized view. */

/** The context module to compose (`composeContexts([executions])`). */
export { executions } from './context.ts';
/** The execution entity and its statuses. */
export { EXECUTION_STATUSES, Execution, type ExecutionStatus, type IExecution } from './entities/execution.entity.ts';
/** The execution log entity (partitioned by month) and its levels. */
export { ExecutionLog, type IExecutionLog, LOG_LEVELS, type LogLevel } from './entities/execution-log.entity.ts';
/** The execution step entity and its statuses. */
export {
  ExecutionStep,
  type IExecutionStep,
  STEP_STATUSES,
  type StepStatus,
} from './entities/execution-step.entity.ts';
/** A log line as {@link ExecutionRepository.appendLogs} takes it. */
export type { LogInput } from './logs/log-writer.ts';
/** Starting executions, moving them through their lifecycle, appending logs, listing a workflow's runs. */
/** One row of a workflow's execution list, and the largest page. */
export {
  type ExecutionListItem,
  type ExecutionRecord,
  ExecutionRepository,
  MAX_EXECUTION_PAGE,
  type StartExecutionInput,
} from './repositories/execution.repository.ts';
/** Per-workflow execution statistics from the materialized view. */
export { ExecutionStatsRepository, type WorkflowExecutionStats } from './repositories/stats.repository.ts';
/** Recording the steps of an execution. */
export { type RecordStepInput, StepRepository } from './repositories/step.repository.ts';
/** The lifecycle actions and, for each, the statuses it starts from and the one it leads to. */
export { type ExecutionAction, TRANSITIONS } from './rules/transitions.ts';
