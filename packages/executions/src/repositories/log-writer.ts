import type { EntityManager } from '@mikro-orm/postgresql';
import { translatePartitionedError, ValidationError, validateId, validateRows } from '@tessera/kernel';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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

/** Escapes a value for COPY's text format (backslash, tab, newline, carriage return). */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : value;
}

/**
 * Validates a batch before anything is sent, by the entity's metadata (the same rules as every other write: NUL
 * bytes, JSON that cannot be stored, invalid dates, enum values). All or nothing: any bad line is a
 * BatchValidationError listing every bad line by index and field.
 */
function validate(em: EntityManager, executionId: string, logs: readonly LogInput[]): void {
  validateId('ExecutionLog', 'execution', executionId);
  if (!Array.isArray(logs)) throw new ValidationError('ExecutionLog', 'logs', 'must be an array of log lines');
  const rows = logs.map((log) => ({
    execution: executionId,
    executionStep: log?.stepId ?? null,
    level: log?.level,
    message: log?.message,
    context: log?.context ?? {},
    createdAt: log?.createdAt,
  }));
  validateRows(em.getMetadata(ExecutionLog), rows, 'all-or-nothing');
}

/**
 * Appends log lines with COPY (the fastest way into PostgreSQL; MikroORM would inline every value into SQL text).
 * One COPY is one statement, so a batch is written whole or not at all. Rows whose month has no partition land in
 * the DEFAULT partition. Typed errors as everywhere: a missing execution or step is a ForeignKeyViolationError.
 */
export async function copyLogs(em: EntityManager, executionId: string, logs: readonly LogInput[]): Promise<number> {
  validate(em, executionId, logs);
  if (logs.length === 0) return 0;
  const now = new Date().toISOString();
  const lines: string[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i] as LogInput;
    lines[i] = `${executionId}\t${log.stepId ?? '\\N'}\t${log.level}\t${copyText(log.message)}\t${copyText(
      JSON.stringify(log.context ?? {}),
    )}\t${log.createdAt ? log.createdAt.toISOString() : now}\n`;
  }
  const pool = (await em.getConnection().getNativeClient()) as pg.Pool;
  const client = await pool.connect();
  try {
    const stream = client.query(
      copyFrom(
        'copy executions.execution_logs (execution_id, execution_step_id, level, message, context, created_at) from stdin',
      ),
    );
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', resolve);
      // Write in chunks of ~1000 lines: one string per line would cost a syscall-sized write each.
      for (let i = 0; i < lines.length; i += 1000) stream.write(lines.slice(i, i + 1000).join(''));
      stream.end();
    });
    return logs.length;
  } catch (error) {
    throw translatePartitionedError(error, em.getMetadata());
  } finally {
    client.release();
  }
}
