import { type Configuration, PostgreSqlDriver, PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { ValidationError } from './errors.ts';

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
  }
}
