import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BatchValidationError,
  batchOn,
  copyOn,
  copyValue,
  currentScope,
  inTransaction,
  logged,
  NotFoundError,
  onConnection,
  translateSqlError,
  ValidationError,
  validateId,
  validateRows,
} from '@tessera/kernel';
import { type Actor, actorSettings } from '@tessera/workflows';
import { ExecutionLog, type LogLevel } from '../entities/execution-log.entity.ts';

/** One log line to append. */
export interface LogInput {
  level: LogLevel;
  message: string;
  context?: Record<string, unknown>;
  /** The step the line belongs to, if any. */
  stepId?: string | null;
  /** Default: the time of the append. */
  createdAt?: Date;
}

const COLUMNS = ['execution_id', 'execution_step_id', 'level', 'message', 'context', 'created_at'] as const;
const EMPTY_CONTEXT = '{}';

/** How many lines are validated at a time: the row objects validation needs never exist for a whole batch at once. */
const VALIDATE_CHUNK = 4096;

/**
 * Validates a batch before anything is sent, by the entity's metadata (the same rules as every other write: NUL
 * bytes, JSON that cannot be stored, invalid dates, enum values). All or nothing: any bad line is a
 * BatchValidationError listing every bad line by index and field. Lines are checked a chunk at a time, so a
 * million-line batch costs no second million objects.
 */
function validate(em: EntityManager, executionId: string, logs: readonly LogInput[]): void {
  validateId('ExecutionLog', 'execution', executionId);
  if (!Array.isArray(logs)) throw new ValidationError('ExecutionLog', 'logs', 'must be an array of log lines');
  const meta = em.getMetadata(ExecutionLog);
  const failures: BatchValidationError['rows'][number][] = [];
  const rows: Record<string, unknown>[] = [];
  for (let start = 0; start < logs.length; start += VALIDATE_CHUNK) {
    const end = Math.min(logs.length, start + VALIDATE_CHUNK);
    rows.length = 0;
    for (let i = start; i < end; i++) {
      const log = logs[i];
      rows.push({
        execution: executionId,
        executionStep: log?.stepId ?? null,
        level: log?.level,
        message: log?.message,
        context: log?.context ?? {},
        createdAt: log?.createdAt,
      });
    }
    for (const failure of validateRows(meta, rows, 'good-rows'))
      failures.push({ ...failure, row: failure.row + start });
  }
  if (failures.length > 0) throw new BatchValidationError(meta.className, failures);
}

/**
 * The lines, encoded one at a time as the COPY writer asks for them (nothing is formatted ahead); what every line
 * shares (the execution id, the time of the append) is encoded once.
 */
function* linesOf(executionId: string, logs: readonly LogInput[], now: Date): Generator<string> {
  const execution = `${copyValue(executionId)}\t`;
  const appendedAt = copyValue(now);
  const emptyContext = copyValue(EMPTY_CONTEXT);
  for (const log of logs) {
    yield `${execution}${copyValue(log.stepId ?? null)}\t${copyValue(log.level)}\t${copyValue(log.message)}\t${
      log.context ? copyValue(log.context) : emptyContext
    }\t${log.createdAt ? copyValue(log.createdAt) : appendedAt}\n`;
  }
}

/**
 * Appends log lines with the kernel's COPY writer, streamed with backpressure. One COPY is one statement, so a
 * batch is written whole or not at all; rows whose month has no partition land in the DEFAULT partition. With an
 * `actor`, the execution must be visible to it: that check and the COPY share one connection, and the check is
 * one round trip (the row-level security settings ride along with it), not a transaction of its own.
 * A missing execution or step is a ForeignKeyViolationError; an invisible one a NotFoundError.
 */
export async function copyLogs(
  em: EntityManager,
  executionId: string,
  logs: readonly LogInput[],
  actor?: Actor,
): Promise<number> {
  validate(em, executionId, logs);
  if (logs.length === 0 && !actor) return 0;
  const started = Date.now();
  const text = 'copy executions.execution_logs from stdin';
  try {
    const count = await onConnection(em, async (submit) => {
      if (actor) {
        const [visible] = await batchOn(
          submit,
          [
            {
              name: 'executions.visible',
              text: 'select 1 from executions.executions where id = $1',
              values: [executionId],
            },
          ],
          inTransaction(em),
          { settings: actorSettings(actor) },
        );
        if (!visible?.length) throw new NotFoundError('Execution', { id: executionId });
      }
      if (logs.length === 0) return 0;
      return copyOn(submit, 'executions.execution_logs', COLUMNS, linesOf(executionId, logs, new Date()));
    });
    logged(em, text, started, false);
    // COPY runs past the ORM's unit of work: later read-your-writes reads of this scope wait for it.
    if (count > 0) currentScope().noteWrite();
    return count;
  } catch (error) {
    logged(em, text, started, true);
    throw translateSqlError(error, em);
  }
}
