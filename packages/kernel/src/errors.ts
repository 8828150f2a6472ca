/**
 * Typed errors are part of Tessera's API: each names the entity and the field (or the migration,
 * or the context) it is about, and says what is wrong in words a person can act on.
 */

/** Base class of every error Tessera throws on purpose. */
export class TesseraError extends Error {
  /** A stable machine-readable code, e.g. `UNIQUE_VIOLATION`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An error about one field (or a set of fields) of one entity. */
export abstract class EntityFieldError extends TesseraError {
  /** The entity name, e.g. `User`. */
  readonly entity: string;
  /** The property names involved, e.g. `['email']`. */
  readonly fields: string[];

  constructor(code: string, entity: string, fields: string[], problem: string, options?: ErrorOptions) {
    const subject = fields.length > 0 ? `${entity}.${fields.join(', ')}` : entity;
    super(code, `${subject}: ${problem}`, options);
    this.entity = entity;
    this.fields = fields;
  }

  /** The first (usually only) field involved. */
  get field(): string | undefined {
    return this.fields[0];
  }
}

/** Application-side validation failed; nothing was sent to the database. */
export class ValidationError extends EntityFieldError {
  constructor(entity: string, field: string, problem: string, options?: ErrorOptions) {
    super('INVALID_INPUT', entity, [field], problem, options);
  }
}

/**
 * Some rows of a multi-row call are bad; nothing was written. `rows` lists each bad row by its index in the
 * call (from 0) with its field-level error; `entity` and `field` are those of the first bad row, so code that
 * catches a ValidationError keeps working.
 */
export class BatchValidationError extends ValidationError {
  readonly rows: readonly { row: number; error: EntityFieldError }[];

  constructor(entity: string, rows: readonly { row: number; error: EntityFieldError }[], options?: ErrorOptions) {
    const first = rows[0];
    const more = rows.length > 1 ? ` (and ${rows.length - 1} more bad rows)` : '';
    const problem = first?.error.message.slice(first.error.message.indexOf(': ') + 2) ?? 'is invalid';
    super(entity, first?.error.field ?? 'row', `row ${first?.row}: ${problem}${more}; nothing was written`, options);
    this.rows = rows;
  }
}

/** A row with the same value(s) of a unique key already exists. */
export class UniqueViolationError extends EntityFieldError {
  readonly constraint: string | undefined;

  constructor(entity: string, fields: string[], constraint?: string, options?: ErrorOptions) {
    super('UNIQUE_VIOLATION', entity, fields, 'a row with this value already exists', options);
    this.constraint = constraint;
  }
}

/** A reference points at a row that does not exist, or a referenced row is still in use. */
export class ForeignKeyViolationError extends EntityFieldError {
  readonly constraint: string | undefined;

  constructor(entity: string, fields: string[], problem: string, constraint?: string, options?: ErrorOptions) {
    super('FOREIGN_KEY_VIOLATION', entity, fields, problem, options);
    this.constraint = constraint;
  }
}

/** A CHECK constraint rejected the row. */
export class CheckViolationError extends EntityFieldError {
  readonly constraint: string;

  constructor(entity: string, fields: string[], constraint: string, problem: string, options?: ErrorOptions) {
    super('CHECK_VIOLATION', entity, fields, problem, options);
    this.constraint = constraint;
  }
}

/** A required field was missing. */
export class NotNullViolationError extends EntityFieldError {
  constructor(entity: string, field: string, options?: ErrorOptions) {
    super('NOT_NULL_VIOLATION', entity, [field], 'is required', options);
  }
}

/** The looked-up object does not exist. */
export class NotFoundError extends TesseraError {
  readonly entity: string;
  readonly criteria: Record<string, unknown>;

  constructor(entity: string, criteria: Record<string, unknown>, options?: ErrorOptions) {
    const where = Object.entries(criteria)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ');
    super('NOT_FOUND', `${entity} not found (${where})`, options);
    this.entity = entity;
    this.criteria = criteria;
  }
}

/** Composition of contexts failed: a cycle, a missing dependency, or a name clash. */
export class CompositionError extends TesseraError {
  constructor(message: string) {
    super('COMPOSITION_ERROR', message);
  }
}
