import { TesseraError } from '@tessera/kernel';
import { assertSessionUrl, MigrationTransactionPoolerError, migrationUrl } from '@tessera/migrator';

/**
 * The connection is a transaction (or statement) pooler, such as PgBouncer with `pool_mode = transaction`: the
 * command needs a server session of its own (a session lock, temporary tables, a snapshot shared with pg_dump).
 */
export class TransactionPoolerError extends TesseraError {
  constructor(what: string, url: string) {
    const u = new URL(url);
    super(
      'TRANSACTION_POOLER',
      `${what} needs a database session of its own, but ${u.hostname}:${u.port || '5432'} hands out a server ` +
        'connection per transaction (a transaction pooler such as PgBouncer in transaction mode). Set ' +
        'TESSERA_MIGRATION_URL to a direct or session-mode URL of the same database: migrate, nas scan, backup ' +
        'and restore use it when it is set. Nothing was changed.',
    );
  }
}

/**
 * The URL for commands that need a session: `TESSERA_MIGRATION_URL` of `env` when set (direct or session mode), else
 * `url`.
 */
export function sessionUrl(url: string, env: NodeJS.ProcessEnv = process.env): string {
  return migrationUrl(url, env);
}

/**
 * Refuses a transaction pooler with a {@link TransactionPoolerError} naming the command, before anything is
 * written: the migrator's check ({@link assertSessionUrl}), on a connection of its own.
 */
export async function assertOwnSession(url: string, what: string): Promise<void> {
  try {
    await assertSessionUrl(url, what.replaceAll(' ', '-'));
  } catch (error) {
    if (error instanceof MigrationTransactionPoolerError) throw new TransactionPoolerError(what, url);
    throw error;
  }
}
