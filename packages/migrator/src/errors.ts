import { TesseraError } from '@tessera/kernel';
import { describeHolder, type LockHolder } from './holders.ts';

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

/** Another run held the migration lock for longer than the configured wait. */
export class MigrationLockTimeoutError extends TesseraError {
  /** The session that held the lock when the wait ended, if this role could see it. */
  readonly holder: LockHolder | undefined;

  constructor(timeoutMs: number, holder: LockHolder | undefined) {
    super(
      'MIGRATION_LOCK_TIMEOUT',
      `another migration run held the migration lock for more than ${Math.round(timeoutMs / 1000)}s` +
        (holder ? ` (held by ${describeHolder(holder)})` : '') +
        '; wait for it to finish, or raise --lock-timeout',
    );
    this.holder = holder;
  }
}

/** What a statement waited for when its `lock_timeout` ran out, read from pg_locks while it waited. */
export interface LockWait {
  /** The lock, e.g. `AccessExclusiveLock on relation alpha.things`. */
  readonly lock: string;
  readonly holders: readonly LockHolder[];
}

/** A migration statement kept running into its `lock_timeout`, on every retry. */
export class MigrationLockWaitError extends TesseraError {
  readonly migration: string;
  readonly statement: string;
  readonly wait: LockWait | undefined;

  constructor(
    migration: string,
    statement: string,
    attempts: number,
    lockTimeoutMs: number,
    wait: LockWait | undefined,
  ) {
    const short = statement.length > 200 ? `${statement.slice(0, 200)}…` : statement;
    const what = wait
      ? `it waited for ${wait.lock}, held by ${wait.holders.map(describeHolder).join('; ') || 'a session this role cannot see'}`
      : 'the session holding the lock had gone when it was looked up';
    super(
      'MIGRATION_LOCK_WAIT_TIMEOUT',
      `migration ${migration} could not get a lock within lock_timeout ${lockTimeoutMs} ms, ${attempts} time(s): ${what}.` +
        ` Retry when that session is done, or raise TESSERA_MIGRATION_LOCK_TIMEOUT.\n  statement: ${short}`,
    );
    this.migration = migration;
    this.statement = statement;
    this.wait = wait;
  }
}

/** The migration URL goes through a transaction pooler, which cannot keep the run's session lock and settings. */
export class MigrationTransactionPoolerError extends TesseraError {
  constructor(detail: string) {
    super(
      'MIGRATION_TRANSACTION_POOLER',
      `the migration connection goes through a transaction-mode pooler (${detail}): a migration run needs one ` +
        'server session for its lock and settings. Set TESSERA_MIGRATION_URL to a direct or session-mode URL ' +
        '(for PgBouncer, a database entry with pool_mode=session).',
    );
  }
}

/** A non-transactional migration failed after some of its statements had taken effect; a person must check it. */
export class MigrationNeedsResolveError extends TesseraError {
  readonly migration: string;

  constructor(migration: string, done: number, total: number, statement: string | null, error: string | null) {
    super(
      'MIGRATION_NEEDS_RESOLVE',
      `migration ${migration} is non-transactional and failed after ${done} of its ${total} statement(s) had taken ` +
        `effect${statement ? ` (failing statement: ${statement.slice(0, 200)})` : ''}${error ? `: ${error}` : ''}. ` +
        `Check the database, then run \`tessera resolve ${migration} --applied\` (finish it by hand first) or ` +
        '`--rolled-back` (undo its effects first; the next migrate runs it again).',
    );
    this.migration = migration;
  }
}

/** `resolve` was asked about a migration that is unknown or has no failure to resolve. */
export class MigrationResolveError extends TesseraError {
  readonly migration: string;

  constructor(migration: string, problem: string) {
    super('MIGRATION_RESOLVE', `cannot resolve migration ${migration}: ${problem}`);
    this.migration = migration;
  }
}
