import type { EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BatchValidationError,
  batchOn,
  checksOf,
  copyOn,
  copyValue,
  currentScope,
  inTransaction,
  logged,
  NotFoundError,
  onConnection,
  translateDbError,
  ValidationError,
  validateEntity,
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

/** What a line must be to be accepted without the full validator; undefined when every line takes the full one. */
interface PlainLineRules {
  readonly levels: ReadonlySet<unknown>;
  readonly messageMax: number;
}

/**
 * The rules of {@link isPlainLine}, derived from the metadata, and only when they are sound: the log entity has no
 * registered checks, and a template line (no step, no time, an empty message and context) passes the full
 * validator. A line that passes the quick test differs from that template only in values the full validator
 * accepts too, so the quick test never lets through what the full one refuses.
 */
function plainLineRules(
  meta: ReturnType<EntityManager['getMetadata']>,
  executionId: string,
): PlainLineRules | undefined {
  const prop = (name: string) => meta.props.find((p) => p.name === name);
  const level = prop('level');
  const message = prop('message');
  const context = prop('context');
  const items = level?.items;
  if (!Array.isArray(items) || items.length === 0 || !message || !context) return undefined;
  if (checksOf(meta.schema, meta.tableName).length > 0) return undefined;
  if (message.columnTypes?.[0] !== 'text' || !/^jsonb?$/.test(context.columnTypes?.[0] ?? '')) return undefined;
  const template = { execution: executionId, executionStep: null, level: items[0], message: '', context: {} };
  try {
    validateEntity(meta, template);
  } catch {
    return undefined;
  }
  return { levels: new Set(items), messageMax: message.length || Number.POSITIVE_INFINITY };
}

/**
 * A quick test that accepts only what the full validator accepts: no step, no time, a known level, a message without
 * NUL within the column's length, and no context or a flat plain object of NUL-free keys whose values are NUL-free
 * strings, finite numbers, booleans or null. Anything else (false) goes through the full validator.
 */
function isPlainLine(log: LogInput, rules: PlainLineRules): boolean {
  if (typeof log !== 'object' || log === null || log.stepId != null || log.createdAt !== undefined) return false;
  if (!rules.levels.has(log.level)) return false;
  const message = log.message;
  if (typeof message !== 'string' || message.length > rules.messageMax || message.includes('\0')) return false;
  const context = log.context;
  if (context === undefined) return true;
  if (typeof context !== 'object' || context === null || Object.getPrototypeOf(context) !== Object.prototype) {
    return false;
  }
  for (const key in context) {
    if (!Object.hasOwn(context, key) || key.includes('\0')) return false;
    const value = context[key];
    if (typeof value === 'string') {
      if (value.includes('\0')) return false;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return false;
    } else if (typeof value !== 'boolean' && value !== null) {
      return false;
    }
  }
  return true;
}

/** How many lines are validated at a time: the row objects validation needs never exist for a whole batch at once. */
const VALIDATE_CHUNK = 4096;

/**
 * Validates a batch before anything is sent, by the entity's metadata (the same rules as every other write: NUL
 * bytes, JSON that cannot be stored, invalid dates, enum values). All or nothing: any bad line is a
 * BatchValidationError listing every bad line by index and field. Plain lines (see {@link isPlainLine}) are
 * accepted by a quick test; the others are checked a chunk at a time by the full validator, so a million-line batch
 * costs no second million objects.
 */
function validate(em: EntityManager, executionId: string, logs: readonly LogInput[]): void {
  validateId('ExecutionLog', 'execution', executionId);
  if (!Array.isArray(logs)) throw new ValidationError('ExecutionLog', 'logs', 'must be an array of log lines');
  const meta = em.getMetadata(ExecutionLog);
  // biome-ignore lint/suspicious/noExplicitAny: the log entity's metadata
  const rules = plainLineRules(meta as EntityMetadata<any>, executionId);
  const failures: BatchValidationError['rows'][number][] = [];
  const rows: Record<string, unknown>[] = [];
  const at: number[] = [];
  const flush = () => {
    for (const failure of validateRows(meta, rows, 'good-rows')) {
      failures.push({ ...failure, row: at[failure.row] as number });
    }
    rows.length = 0;
    at.length = 0;
  };
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i] as LogInput;
    if (rules && isPlainLine(log, rules)) continue;
    rows.push({
      execution: executionId,
      executionStep: log?.stepId ?? null,
      level: log?.level,
      message: log?.message,
      context: log?.context ?? {},
      createdAt: log?.createdAt,
    });
    at.push(i);
    if (rows.length >= VALIDATE_CHUNK) flush();
  }
  if (rows.length > 0) flush();
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
    throw translateDbError(error, em.getMetadata(), { entity: ExecutionLog });
  }
}
