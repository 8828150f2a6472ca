import type { MetadataStorage, Type } from '@mikro-orm/core';
import { type Configuration, PostgreSqlDriver, PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { TesseraError, ValidationError } from './errors.ts';
import { noteStatement } from './translate.ts';
import { jsonProblem, kindOfColumnType } from './values.ts';

/**
 * MikroORM inlines values into SQL text in some paths (batched flushes, `em.execute`). Its PostgreSQL platform
 * writes a number as-is, so `Infinity` or `NaN` became the identifier `infinity` in the statement. This
 * platform refuses a non-finite number and quotes any value it does not know as a string literal, so a value
 * can never become SQL text. (Entity validation catches these earlier, naming the field; this is the backstop.)
 */
export class TesseraPostgreSqlPlatform extends PostgreSqlPlatform {
  override escape(value: unknown): string {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new ValidationError('query', 'value', `must be a finite number (got ${value})`);
    }
    if (typeof value === 'symbol' || typeof value === 'function') {
      throw new ValidationError('query', 'value', `a ${typeof value} cannot be sent to the database`);
    }
    if (
      typeof value === 'object' &&
      value !== null &&
      !(value instanceof Date) &&
      !Array.isArray(value) &&
      !ArrayBuffer.isView(value)
    ) {
      return super.escape(String(value)) as string;
    }
    return super.escape(value) as string;
  }
}

/** The PostgreSQL driver with {@link TesseraPostgreSqlPlatform}; otherwise MikroORM's own. */
export class TesseraPostgreSqlDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    // The base constructor only stores the platform; nothing has used it yet.
    (this as unknown as { platform: PostgreSqlPlatform }).platform = new TesseraPostgreSqlPlatform();
    noteFailedStatements(this.connection as Connection);
  }

  /** A typed Tessera error raised while building a query (the platform's refusal) passes through unwrapped. */
  // biome-ignore lint/suspicious/noExplicitAny: MikroORM's signature
  override convertException(exception: any): any {
    return exception instanceof TesseraError ? exception : super.convertException(exception);
  }
}

type Connection = ReturnType<PostgreSqlDriver['getConnection']>;

/**
 * Every statement MikroORM sends (a flush, a native write, a query builder's, `em.execute`) goes through the
 * connection's `execute`: a database error it raises records what the statement writes, for the translator.
 */
function noteFailedStatements(connection: Connection): void {
  const execute = connection.execute.bind(connection) as (...args: unknown[]) => Promise<unknown>;
  connection.execute = (async (query: unknown, ...rest: unknown[]) => {
    try {
      return await execute(query, ...rest);
    } catch (error) {
      noteStatement(error, sqlText(query));
      throw error;
    }
  }) as Connection['execute'];
}

/** The SQL text of what MikroORM hands `execute`: a string, a raw query, or a query builder. */
export function sqlText(query: unknown): string {
  if (typeof query === 'string') return query;
  const q = query as { sql?: unknown; toRaw?: () => { sql: string } } | undefined;
  if (typeof q?.sql === 'string') return q.sql;
  if (typeof q?.toRaw === 'function') return q.toRaw().sql;
  return '';
}

/**
 * MikroORM serializes a JSON property while it computes the change set, before any flush event, so a circular
 * object threw a bare TypeError there. Every JSON property gets its own converter that checks the value first
 * and names the entity and field. Pass as `discovery.afterDiscovered`.
 */
export function guardJsonColumns(storage: MetadataStorage): void {
  for (const meta of storage.getAll().values()) {
    for (const prop of meta.props) {
      const original = prop.customType as Type<unknown> | undefined;
      if (!original || kindOfColumnType(prop.columnTypes?.[0]) !== 'json') continue;
      // A per-property object: the type instance may be shared between properties.
      const guarded = Object.create(original) as Type<unknown>;
      guarded.convertToDatabaseValue = (value, platform, context) => {
        const problem = value === null || value === undefined ? undefined : jsonProblem(value);
        if (problem) throw new ValidationError(meta.className, prop.name, problem);
        return original.convertToDatabaseValue(value, platform, context);
      };
      prop.customType = guarded;
    }
  }
}
