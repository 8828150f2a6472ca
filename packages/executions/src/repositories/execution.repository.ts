import {
  declareConsistency,
  flushOrDetach,
  IllegalStateError,
  isUuid,
  type MonthlyPartitionedTable,
  maintainPartitions,
  NotFoundError,
  newId,
  type PartitionMaintenanceOptions,
  type PartitionMaintenanceResult,
  pageLimit,
  ValidationError,
  validateEntity,
  validateId,
} from '@tessera/kernel';
import { ActorRepository, Workflow } from '@tessera/workflows';
import { Execution, type ExecutionStatus, type IExecution } from '../entities/execution.entity.ts';
import { copyLogs, type LogInput } from '../logs/log-writer.ts';
import { canTransition, type ExecutionAction, TRANSITIONS } from '../rules/transitions.ts';

/** `executions.execution_logs` as a monthly-partitioned table, for the kernel's partition maintenance. */
export const EXECUTION_LOGS_TABLE: MonthlyPartitionedTable = {
  schema: 'executions',
  table: 'execution_logs',
  column: 'created_at',
};

/** Options of {@link ExecutionRepository.start}. */
export interface StartExecutionInput {
  inputData?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/**
 * An execution as a plain, typed row (what the hot reads return): no entity, no unit-of-work bookkeeping. The
 * workflow, version and triggering user are their ids.
 */
export interface ExecutionRecord {
  id: string;
  workflowId: string;
  workflowVersionId: string;
  /** The id of the user who started it. */
  triggeredBy: string;
  status: ExecutionStatus;
  inputData: Record<string, unknown>;
  outputData: Record<string, unknown> | null;
  errorMessage: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number | null;
  retryCount: number;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

const RECORD_COLUMNS =
  'id, workflow_id as "workflowId", workflow_version_id as "workflowVersionId", triggered_by as "triggeredBy", ' +
  'status, input_data as "inputData", output_data as "outputData", error_message as "errorMessage", ' +
  'started_at as "startedAt", completed_at as "completedAt", duration_ms as "durationMs", ' +
  'retry_count as "retryCount", metadata, created_at as "createdAt", updated_at as "updatedAt"';

type RecordRow = Omit<ExecutionRecord, 'startedAt' | 'completedAt' | 'createdAt' | 'updatedAt'> & {
  startedAt: string | Date | null;
  completedAt: string | Date | null;
  createdAt: string | Date;
  updatedAt: string | Date;
};

/** A row selected with {@link RECORD_COLUMNS} as a record: MikroORM's pool leaves timestamps as text. */
function toRecord(row: RecordRow): ExecutionRecord {
  const record = row as unknown as ExecutionRecord;
  record.startedAt = row.startedAt === null ? null : new Date(row.startedAt);
  record.completedAt = row.completedAt === null ? null : new Date(row.completedAt);
  record.createdAt = new Date(row.createdAt);
  record.updatedAt = new Date(row.updatedAt);
  return record;
}

const START_TEXT =
  'insert into executions.executions (id, workflow_id, workflow_version_id, triggered_by, status, input_data, ' +
  "metadata, retry_count) select $1, w.id, w.current_version_id, $2, 'pending', $3, $4, 0 " +
  "from workflows.workflows w where w.id = $5 and w.status <> 'archived' and w.current_version_id is not null " +
  `returning ${RECORD_COLUMNS}`;

const RECORD_BY_ID = `select ${RECORD_COLUMNS} from executions.executions where id = $1`;

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
 * Executions of workflows, for one acting user (row-level security: an owner sees the executions they triggered,
 * a superuser all). Status changes follow {@link TRANSITIONS}; any other is an IllegalStateError. A method joins
 * the transaction of the EntityManager it was given, if any (see `ActorRepository`).
 */
export class ExecutionRepository extends ActorRepository {
  /** Starts (queues, as pending) an execution of the workflow's current version. */
  async start(workflowId: string, input: StartExecutionInput = {}): Promise<ExecutionRecord> {
    for (const key of ['inputData', 'metadata'] as const) {
      const v = input[key];
      if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
        throw new ValidationError('Execution', key, 'must be a JSON object');
      }
    }
    // The same value rules as every write (NUL bytes, circular or non-finite JSON), before any SQL is sent.
    validateEntity(
      this.callerEm.getMetadata(Execution),
      { inputData: input.inputData ?? {}, metadata: input.metadata ?? {} },
      new Set(['inputData', 'metadata']),
    );
    // One statement, one round trip: the workflow's current version is read and referenced in the same INSERT
    // (the foreign key check locks the version row), and row-level security sees the actor's settings.
    const [inserted] = isUuid(workflowId)
      ? await this.batch([
          {
            name: 'executions.start',
            text: START_TEXT,
            values: [newId(), this.actor.userId, input.inputData ?? {}, input.metadata ?? {}, workflowId],
          },
        ])
      : [];
    const row = inserted?.[0];
    if (row) return toRecord(row as RecordRow);
    // Nothing inserted: say why, as the actor sees the workflow (the failure path may cost a second trip).
    const workflow = isUuid(workflowId)
      ? await this.transactional((tx) => tx.findOne(Workflow, { id: workflowId }))
      : null;
    if (!workflow) throw new NotFoundError('Workflow', { id: workflowId });
    if (workflow.status === 'archived') throw new IllegalStateError('Workflow', 'archived', 'a new execution');
    throw new IllegalStateError('Workflow', 'without a current version', 'a new execution');
  }

  /**
   * The execution with this id, as this actor may see it; NotFoundError otherwise. One round trip: the
   * row-level security settings and a named prepared statement in one batch.
   */
  async get(id: string): Promise<ExecutionRecord> {
    const [rows] = isUuid(id)
      ? await this.batch([{ name: 'executions.record_by_id', text: RECORD_BY_ID, values: [id] }])
      : [];
    const row = rows?.[0];
    if (!row) throw new NotFoundError('Execution', { id });
    return toRecord(row as RecordRow);
  }

  /** pending → running; records `started_at`. */
  run(id: string): Promise<IExecution> {
    return this.transition(id, 'run', (e) => {
      e.startedAt = new Date();
    });
  }

  /** running → paused. */
  pause(id: string): Promise<IExecution> {
    return this.transition(id, 'pause');
  }

  /** paused → running. */
  resume(id: string): Promise<IExecution> {
    return this.transition(id, 'resume');
  }

  /** running → completed, with the output; the database computes `duration_ms`. */
  complete(id: string, outputData: Record<string, unknown> = {}): Promise<IExecution> {
    return this.transition(id, 'complete', (e) => {
      e.outputData = outputData;
      e.completedAt = new Date();
    });
  }

  /** pending, running or paused → failed, with the error. */
  fail(id: string, errorMessage: string): Promise<IExecution> {
    if (typeof errorMessage !== 'string' || errorMessage.trim() === '') {
      return Promise.reject(new ValidationError('Execution', 'errorMessage', 'must say what failed'));
    }
    return this.transition(id, 'fail', (e) => {
      e.errorMessage = errorMessage;
      e.completedAt = new Date();
    });
  }

  /** pending, running or paused → cancelled. */
  cancel(id: string): Promise<IExecution> {
    return this.transition(id, 'cancel', (e) => {
      e.completedAt = new Date();
    });
  }

  /** failed or cancelled → pending again, counting the retry; the previous attempt's outcome is cleared. */
  retry(id: string): Promise<IExecution> {
    return this.transition(id, 'retry', (e) => {
      e.retryCount += 1;
      e.startedAt = null;
      e.completedAt = null;
      e.durationMs = null;
      e.errorMessage = null;
      e.outputData = null;
    });
  }

  /**
   * Appends log lines in one streamed COPY (see copyLogs); the execution must be visible to the actor. All or
   * nothing: any bad line is a BatchValidationError listing every bad line by index and field. Returns the count.
   */
  async appendLogs(executionId: string, logs: readonly LogInput[]): Promise<number> {
    return copyLogs(this.callerEm, executionId, logs, this.actor);
  }

  /**
   * A workflow's executions, newest first, from the covering index ({@link ExecutionListItem}): the settings and
   * the list go as two named prepared statements in one round trip, with bound parameters, and come back as plain
   * typed rows (no entities, no hydration).
   */
  async listByWorkflow(workflowId: string, options: { limit?: number } = {}): Promise<ExecutionListItem[]> {
    validateId('Execution', 'workflow', workflowId);
    const limit = pageLimit('Execution', options.limit ?? 50, { max: MAX_EXECUTION_PAGE, default: MAX_EXECUTION_PAGE });
    const [listed] = await this.batch([
      { name: 'executions.list_by_workflow', text: LIST_TEXT, values: [workflowId, limit] },
    ]);
    // MikroORM's pool keeps timestamps as text (its own hydration parses them); this path parses them itself, in
    // the rows pg made (they have exactly the item's columns), rather than copying each into another object.
    const rows = (listed ?? []) as RawItem[];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as RawItem;
      r.createdAt = new Date(r.createdAt);
    }
    return rows as ExecutionListItem[];
  }

  /**
   * Creates the coming months' log partitions and drops those past the retention. DDL: runs as the connecting
   * role (the tables' owner), not as the application role.
   */
  maintainLogPartitions(options: PartitionMaintenanceOptions = {}): Promise<PartitionMaintenanceResult> {
    return maintainPartitions(this.callerEm.fork(), EXECUTION_LOGS_TABLE, options);
  }

  private async transition(
    id: string,
    action: ExecutionAction,
    apply: (e: IExecution) => void = () => {},
  ): Promise<IExecution> {
    const updated = await this.transactional(async (tx) => {
      const execution = await this.findVisible(tx, Execution, id, true);
      const from = execution.status as ExecutionStatus;
      if (!canTransition(from, action)) throw new IllegalStateError('Execution', from, TRANSITIONS[action].to, action);
      execution.status = TRANSITIONS[action].to;
      apply(execution);
      await flushOrDetach(tx, [execution]);
      return execution.id;
    });
    // Re-read: the duration trigger and updated_at trigger wrote columns the unit of work did not.
    return this.transactional((tx) => tx.findOneOrFail(Execution, { id: updated }, { refresh: true }));
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(ExecutionRepository, {
  reads: { get: 'read-your-writes', listByWorkflow: 'read-your-writes' },
  writes: [
    'start',
    'run',
    'pause',
    'resume',
    'complete',
    'fail',
    'cancel',
    'retry',
    'appendLogs',
    'maintainLogPartitions',
  ],
  internal: ['transition'],
});
