import { TesseraError } from '@tessera/kernel';
import { migrationUrl } from '@tessera/migrator';
import pg from 'pg';

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

/** The URL for commands that need a session: `TESSERA_MIGRATION_URL` when set (direct or session mode), else `url`. */
export function sessionUrl(url: string): string {
  return migrationUrl(url);
}

async function backendPid(client: pg.Client): Promise<number> {
  return Number((await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid);
}

/**
 * Refuses a transaction pooler with a {@link TransactionPoolerError}, before anything is written. Two client
 * connections that are open at the same time own two server sessions, unless a pooler lends one server
 * connection to both between transactions (PgBouncer reuses the idle one), or moves one client between servers.
 * Both are checked: client A, then B, then A again.
 */
export async function assertOwnSession(url: string, what: string): Promise<void> {
  const a = new pg.Client({ connectionString: url });
  const b = new pg.Client({ connectionString: url });
  a.on('error', () => {});
  b.on('error', () => {});
  try {
    await a.connect();
    await b.connect();
    const first = await backendPid(a);
    const other = await backendPid(b);
    const again = await backendPid(a);
    if (first === other || first !== again) throw new TransactionPoolerError(what, url);
  } finally {
    await Promise.all([a.end().catch(() => {}), b.end().catch(() => {})]);
  }
}
