import {
  checkReplicas,
  classifyConnectionError,
  DatabaseConnectionError,
  type ReplicaSettings,
  replicaSettings,
} from '@tessera/kernel';
import { checkDrift, MigrationEngine } from '@tessera/migrator';
import pg from 'pg';
import { platform } from '../composition.ts';

/** What `tessera health` reports. `healthy` is false when anything below needs attention. */
export interface HealthReport {
  readonly healthy: boolean;
  readonly connected: boolean;
  /** The connection error, when not connected: one line naming what failed, the password masked. */
  readonly error?: string;
  readonly serverVersion?: string;
  readonly database?: string;
  /** Time to open a connection (TCP, TLS, authentication). */
  readonly connectMs?: number;
  /** Median round trip of `select 1` over {@link ROUND_TRIPS} queries on an open connection. */
  readonly roundTripMs?: number;
  readonly pendingMigrations?: readonly string[];
  /** Problems with migrations: edited or missing from the code, failed part-way, invalid indexes left behind. */
  readonly migrationProblems?: readonly string[];
  /** Statements that would align the database with the entities; empty when there is no drift. */
  readonly drift?: readonly string[];
  /** Each read replica (`TESSERA_READ_REPLICA_URLS`); an unreachable one or one over the lag budget is unhealthy. */
  readonly replicas?: readonly ReplicaHealth[];
}

/** One read replica in {@link HealthReport}. */
export interface ReplicaHealth {
  /** Host, port and database (no credentials). */
  readonly replica: string;
  /** It answered and is a standby. */
  readonly reachable: boolean;
  /** How far behind the primary it is (0: replayed all the primary had written); null when unreachable. */
  readonly lagMs: number | null;
  /** Within `TESSERA_REPLICA_MAX_LAG_MS`: reads may go there. */
  readonly withinBudget: boolean;
  /** The WAL position it has replayed (`pg_lsn`). */
  readonly replayLsn: string | null;
  readonly error?: string;
}

/** How many `select 1` round trips the latency is the median of. */
export const ROUND_TRIPS = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Checks connectivity, latency, server version, pending migrations and drift of the database at `url`, and the
 * reachability and lag of each read replica in `replicas` (default: from the environment).
 */
export async function health(url: string, replicas: ReplicaSettings = replicaSettings()): Promise<HealthReport> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  const t0 = performance.now();
  try {
    await client.connect();
  } catch (error) {
    const failure = new DatabaseConnectionError(classifyConnectionError(error), 'DATABASE_URL', url, error);
    return { healthy: false, connected: false, error: failure.message };
  }
  const connectMs = performance.now() - t0;
  let serverVersion: string;
  let database: string;
  const trips: number[] = [];
  try {
    const info = await client.query<{ version: string; db: string }>(
      `select current_setting('server_version') as version, current_database() as db`,
    );
    serverVersion = String(info.rows[0]?.version);
    database = String(info.rows[0]?.db);
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const start = performance.now();
      await client.query('select 1');
      trips.push(performance.now() - start);
    }
  } finally {
    await client.end().catch(() => {});
  }

  const engine = await MigrationEngine.create({ composition: platform, url });
  let pendingMigrations: string[];
  let migrationProblems: string[];
  try {
    const status = await engine.status();
    pendingMigrations = status.flatMap((s) => s.pending);
    migrationProblems = status.flatMap((s) => [
      ...s.edited.map((e) => `${e} was edited after it was applied`),
      ...s.missing.map((m) => `${m} is applied but missing from the code`),
      ...s.invalidIndexes.map((i) => `invalid index ${i} (a failed concurrent build; migrate rebuilds it)`),
      ...s.failed.map((f) => `${f.name} failed part-way (see tessera status)`),
    ]);
  } finally {
    await engine.close();
  }
  const drift = (await checkDrift(platform, url)).statements;
  const replicaReport = await replicaHealth(url, replicas);
  return {
    healthy:
      pendingMigrations.length === 0 &&
      migrationProblems.length === 0 &&
      drift.length === 0 &&
      replicaReport.every((r) => r.withinBudget),
    connected: true,
    serverVersion,
    database,
    connectMs,
    roundTripMs: median(trips),
    pendingMigrations,
    migrationProblems,
    drift,
    replicas: replicaReport,
  };
}

async function replicaHealth(url: string, settings: ReplicaSettings): Promise<ReplicaHealth[]> {
  if (settings.urls.length === 0) return [];
  // A replica URL without a database means the primary's database, as for the ORM.
  const database = new URL(url).pathname;
  const urls = settings.urls.map((u) => {
    const parsed = new URL(u);
    if (parsed.pathname === '' || parsed.pathname === '/') parsed.pathname = database;
    return parsed.toString();
  });
  const samples = await checkReplicas(url, urls);
  return samples.map((s) => ({
    replica: s.replica,
    reachable: s.up,
    lagMs: s.lagMs === null || Number.isFinite(s.lagMs) ? s.lagMs : null,
    withinBudget: s.up && s.lagMs !== null && s.lagMs <= settings.maxLagMs,
    replayLsn: s.replayLsnText,
    ...(s.error ? { error: s.error } : {}),
  }));
}
