import pg from 'pg';
import { formatLsn, parseLsn } from './lsn.ts';

/** What one look at a replica found. */
export interface ReplicaSample {
  /** The replica answered, and is a standby (in recovery). */
  readonly up: boolean;
  /** How far behind the primary it is, in ms: 0 when it has replayed all the primary had written. */
  readonly lagMs: number | null;
  /** The WAL position it has replayed up to. */
  readonly replayLsn: bigint | null;
  /** Why it is not usable (unreachable, not a standby); no secrets. */
  readonly error?: string;
}

const REPLICA_SQL = `select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as replay,
  extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000 as since_replay`;

/**
 * Samples a replica through `client` (a pool or client connected to it), against `primaryLsn`, the primary's
 * WAL write position read just before. Lag is 0 when the replica has replayed at least that far; otherwise it is
 * the time since the last transaction it replayed (PostgreSQL's usual measure), or unknown (Infinity) when it has
 * replayed none since it started.
 */
export async function sampleReplica(client: Pick<pg.Pool, 'query'>, primaryLsn: bigint | null): Promise<ReplicaSample> {
  try {
    const { rows } = await client.query<{ standby: boolean; replay: string | null; since_replay: string | null }>(
      REPLICA_SQL,
    );
    const row = rows[0];
    if (!row?.standby) return { up: false, lagMs: null, replayLsn: null, error: 'not a standby (not in recovery)' };
    const replayLsn = parseLsn(row.replay);
    const caughtUp = replayLsn !== null && primaryLsn !== null && replayLsn >= primaryLsn;
    const since = row.since_replay === null ? Number.POSITIVE_INFINITY : Math.max(0, Number(row.since_replay));
    return { up: true, lagMs: caughtUp ? 0 : since, replayLsn };
  } catch (error) {
    return { up: false, lagMs: null, replayLsn: null, error: describe(error) };
  }
}

/** The primary's WAL write position: everything before it can have been sent to replicas. */
export async function primaryWalLsn(client: Pick<pg.Pool, 'query'>): Promise<bigint | null> {
  const { rows } = await client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  return parseLsn(rows[0]?.lsn);
}

/** An error's code and first line, without connection strings. */
export function describe(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return (typeof code === 'string' ? `${code}: ${message}` : message).replace(/postgres(ql)?:\/\/\S+/g, '<url>');
}

/** A replica's URL for display: host, port and database, never the user or password. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/** One-off health of each replica, for `tessera health`: reachability, lag and replay position. */
export async function checkReplicas(
  primaryUrl: string,
  urls: readonly string[],
  connectTimeoutMs = 5_000,
): Promise<(ReplicaSample & { readonly replica: string; readonly replayLsnText: string | null })[]> {
  const open = async (url: string) => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  const primary = await open(primaryUrl);
  try {
    return await Promise.all(
      urls.map(async (url) => {
        let sample: ReplicaSample;
        try {
          const replica = await open(url);
          try {
            sample = await sampleReplica(replica, await primaryWalLsn(primary));
          } finally {
            await replica.end().catch(() => {});
          }
        } catch (error) {
          sample = { up: false, lagMs: null, replayLsn: null, error: describe(error) };
        }
        const replayLsnText = sample.replayLsn === null ? null : formatLsn(sample.replayLsn);
        return { ...sample, replica: displayUrl(url), replayLsnText };
      }),
    );
  } finally {
    await primary.end().catch(() => {});
  }
}
