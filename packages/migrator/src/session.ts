import pg from 'pg';
import { MigrationTransactionPoolerError } from './errors.ts';
import { type LockHolder, toHolder } from './holders.ts';
import { connectionConfig, localPort } from './session-light.ts';

export { connectionConfig } from './session-light.ts';

/** How long the pooler probe waits for a server session before counting the pool as session mode. */
const PROBE_PATIENCE_MS = 2_000;
/** Consecutive statements that must share one server session before the probe. */
const SAME_SESSION_CHECKS = 5;

async function backendPid(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return Number(rows[0]?.pid);
}

/**
 * Refuses a connection that goes through a transaction-mode pooler, where consecutive transactions of one client
 * may run on different server sessions (and other clients' transactions on ours), so a session lock or setting
 * would be left on a pooled server connection. Sets nothing on the session.
 *
 * A direct connection is recognised without a second connection: the server sees our socket's own port. Behind
 * anything else (a pooler, a proxy, a port mapping) a probe connection opens a transaction: in transaction mode
 * the pooler hands it our idle server session (PgBouncer reuses the most recent one), or our next statement runs on
 * another session; a session-mode pooler or a plain proxy does neither. Before the probe, a few consecutive
 * statements must all run on one server session (in a busy transaction pool they would not).
 */
export async function assertSessionConnection(client: pg.Client, url: string): Promise<void> {
  const { rows } = await client.query<{ pid: number; port: number | null }>(
    'select pg_backend_pid() as pid, inet_client_port() as port',
  );
  const pid = Number(rows[0]?.pid);
  const port = rows[0]?.port ?? null;
  if (port === null || port === localPort(client)) return;

  // In a busy transaction pool, consecutive statements of one client land on different server sessions.
  for (let i = 0; i < SAME_SESSION_CHECKS; i++) {
    const again = await backendPid(client);
    if (again !== pid) {
      throw new MigrationTransactionPoolerError(`this run's statements ran on server sessions ${pid} and ${again}`);
    }
  }

  const probe = new pg.Client(connectionConfig(url, 'tessera-migrate-probe'));
  probe.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  // A probe that gets no server session promptly means ours is not free for others while we are idle: in
  // transaction mode the pooler would hand it over at once. So a slow probe counts as a session-mode pool.
  const patience = new Promise<'waited'>((resolve) => {
    timer = setTimeout(() => resolve('waited'), PROBE_PATIENCE_MS);
  });
  let outcome: string | undefined;
  try {
    outcome = await Promise.race([patience, probeFor(probe, client, pid)]);
  } finally {
    clearTimeout(timer);
    if (outcome === 'waited') {
      // Still queued in the pooler: drop the socket rather than wait for a session to end the probe politely.
      (Reflect.get(probe, 'connection') as { stream?: { destroy(): void } } | undefined)?.stream?.destroy();
    } else {
      await probe.query('rollback').catch(() => undefined);
      await probe.end().catch(() => undefined);
    }
  }
  if (outcome && outcome !== 'waited') throw new MigrationTransactionPoolerError(outcome);
}

/**
 * {@link assertSessionConnection} on a connection of its own to `url`, closed afterwards: for commands other than
 * migrate (backup, restore, a NAS scan) that need a server session of their own and check before they connect
 * for real. Throws {@link MigrationTransactionPoolerError} through a transaction pooler.
 */
export async function assertSessionUrl(url: string, applicationName = 'tessera-session-check'): Promise<void> {
  const client = new pg.Client(connectionConfig(url, applicationName));
  client.on('error', () => {});
  await client.connect();
  try {
    await assertSessionConnection(client, url);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why the connection is transaction-pooled, or undefined when its server session stayed its own. */
async function probeFor(probe: pg.Client, client: pg.Client, pid: number): Promise<string | undefined> {
  await probe.connect();
  await probe.query('begin');
  const probePid = await backendPid(probe);
  if (probePid === pid) return `another client was given this run's server session, pid ${pid}`;
  const again = await backendPid(client);
  if (again !== pid) return `this run's statements ran on server sessions ${pid} and ${again}`;
  return undefined;
}

/**
 * The settings of a run's session, SET after connecting (a startup `options` parameter is refused by poolers):
 * a killed runner's statement is cancelled within a second (client_connection_check_interval, PostgreSQL 14+),
 * a silent peer is dropped after ~25 s (TCP keepalives), and every statement waits at most `lockTimeoutMs` for a
 * lock. {@link resetRunSession} undoes them.
 */
export async function prepareRunSession(client: pg.ClientBase, lockTimeoutMs: number): Promise<void> {
  const { rows } = await client.query<{ v: string }>(`select current_setting('server_version_num') as v`);
  const settings = [
    `lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`,
    'tcp_keepalives_idle = 10',
    'tcp_keepalives_interval = 5',
    'tcp_keepalives_count = 3',
  ];
  if (Number(rows[0]?.v) >= 140_000) settings.push('client_connection_check_interval = 1000');
  await client.query(settings.map((s) => `set ${s}`).join('; '));
}

/** Returns the session to its connection-time settings. */
export async function resetRunSession(client: pg.ClientBase): Promise<void> {
  await client.query('reset all');
}

/** One lock a statement is waiting for, in words: `AccessExclusiveLock on relation alpha.things`. */
function describeLock(row: Record<string, unknown>): string {
  const mode = String(row.mode);
  switch (row.locktype) {
    case 'relation':
      return `${mode} on relation ${String(row.rel)}`;
    case 'transactionid':
      return `${mode} on transaction ${String(row.transactionid)}`;
    case 'virtualxid':
      return `${mode} on virtual transaction ${String(row.virtualxid)} (waiting for that transaction to end)`;
    default:
      return `${mode} on ${String(row.locktype)}`;
  }
}

/** What backend `pid` is waiting for and who blocks it, read from another session; undefined when not waiting. */
export async function lockWaitOf(
  monitor: pg.ClientBase,
  pid: number,
): Promise<{ lock: string; holders: LockHolder[] } | undefined> {
  const waiting = await monitor.query(
    `select locktype, mode, relation::regclass::text as rel, transactionid::text, virtualxid
       from pg_locks where pid = $1 and not granted limit 1`,
    [pid],
  );
  const lock = waiting.rows[0];
  if (!lock) return undefined;
  const blockers = await monitor.query(
    `select a.pid, a.application_name, a.client_addr::text as client_addr, a.state,
            coalesce(a.xact_start, a.backend_start) as since, a.query
       from pg_stat_activity a where a.pid = any(pg_blocking_pids($1)) order by a.pid`,
    [pid],
  );
  return { lock: describeLock(lock), holders: blockers.rows.map(toHolder) };
}
