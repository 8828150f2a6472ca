import type { EntityManager } from '@mikro-orm/postgresql';
import {
  batchOn,
  copyOn,
  inTransaction,
  logged,
  NotFoundError,
  onConnection,
  translateSqlError,
  ValidationError,
} from '@tessera/kernel';
import { type Actor, actorSettings } from '@tessera/workflows';
import { LOG_LEVELS, type LogLevel } from '../entities/execution-log.entity.ts';

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

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LEVELS = new Set<string>(LOG_LEVELS);
const COLUMNS = ['execution_id', 'execution_step_id', 'level', 'message', 'context', 'created_at'] as const;
const EMPTY_CONTEXT = '{}';

/** Validates a batch before anything is sent, naming the field and the line. */
function validate(logs: readonly LogInput[]): void {
  logs.forEach((log, i) => {
    if (!LEVELS.has(log?.level)) {
      throw new ValidationError('ExecutionLog', 'level', `line ${i}: must be one of ${LOG_LEVELS.join(', ')}`);
    }
    if (typeof log.message !== 'string') throw new ValidationError('ExecutionLog', 'message', `line ${i}: is required`);
    if (log.stepId != null && !UUID_PATTERN.test(log.stepId)) {
      throw new ValidationError('ExecutionLog', 'executionStep', `line ${i}: must be a UUID`);
    }
    if (log.createdAt !== undefined && !(log.createdAt instanceof Date && Number.isFinite(log.createdAt.getTime()))) {
      throw new ValidationError('ExecutionLog', 'createdAt', `line ${i}: must be a valid date`);
    }
  });
}

/** The rows, produced one at a time as the COPY writer asks for them (nothing is formatted ahead). */
function* rowsOf(executionId: string, logs: readonly LogInput[], now: Date) {
  for (const log of logs) {
    yield [executionId, log.stepId ?? null, log.level, log.message, log.context ?? EMPTY_CONTEXT, log.createdAt ?? now];
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
  if (!UUID_PATTERN.test(executionId)) throw new NotFoundError('Execution', { id: executionId });
  validate(logs);
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
      return copyOn(submit, 'executions.execution_logs', COLUMNS, rowsOf(executionId, logs, new Date()));
    });
    logged(em, text, started, false);
    return count;
  } catch (error) {
    logged(em, text, started, true);
    throw translateSqlError(error, em);
  }
}
