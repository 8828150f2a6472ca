import { TesseraError } from '@tessera/kernel';

/** An applied migration's SQL no longer matches what was applied: someone edited it after it ran. */
export class MigrationChecksumError extends TesseraError {
  readonly migration: string;

  constructor(migration: string, applied: string, current: string) {
    super(
      'MIGRATION_CHECKSUM_MISMATCH',
      `migration ${migration} was edited after it was applied (checksum ${applied.slice(0, 12)} in the database, ` +
        `${current.slice(0, 12)} in the code). Applied migrations are immutable: revert the edit and add a new migration.`,
    );
    this.migration = migration;
  }
}

/** The database records a migration of a composed context that the code does not have. */
export class UnknownMigrationError extends TesseraError {
  readonly migration: string;

  constructor(migration: string, context: string) {
    super(
      'MIGRATION_MISSING',
      `migration ${migration} of context "${context}" is applied in the database but missing from the code ` +
        `(a deleted or renamed migration, or code older than the database)`,
    );
    this.migration = migration;
  }
}

/** The migration list of the composition is malformed (duplicate names, bad names, bad dependencies). */
export class MigrationDefinitionError extends TesseraError {
  constructor(message: string) {
    super('MIGRATION_DEFINITION', message);
  }
}

/** A migration failed; its transaction (if it had one) was rolled back. */
export class MigrationFailedError extends TesseraError {
  readonly migration: string;
  readonly statement: string | undefined;

  constructor(migration: string, direction: 'up' | 'down', statement: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const where = statement
      ? `\n  statement: ${statement.length > 400 ? `${statement.slice(0, 400)}…` : statement}`
      : '';
    super('MIGRATION_FAILED', `migration ${migration} (${direction}) failed: ${reason}${where}`, { cause });
    this.migration = migration;
    this.statement = statement;
  }
}

/** Another run held the migration lock for longer than the configured timeout. */
export class MigrationLockTimeoutError extends TesseraError {
  constructor(timeoutMs: number, holderPid: number | undefined) {
    super(
      'MIGRATION_LOCK_TIMEOUT',
      `another migration run${holderPid ? ` (PostgreSQL backend pid ${holderPid})` : ''} held the migration lock for more than ${Math.round(timeoutMs / 1000)}s`,
    );
  }
}
