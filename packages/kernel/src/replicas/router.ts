import pg from 'pg';
import type { ConnectionSettings } from '../connection.ts';
import { parseLsn } from './lsn.ts';
import { describe, displayUrl, primaryWalLsn, sampleReplica } from './probe.ts';
import type { Consistency, ReadScope } from './scope.ts';
import type { ReplicaSettings } from './settings.ts';

/** What the router knows about one replica, as {@link ReplicaRouter.status} reports it. */
export interface ReplicaState {
  /** Host, port and database (never credentials). */
  readonly replica: string;
  /** Answering, a standby, and within the lag budget: reads may go there. */
  usable: boolean;
  up: boolean;
  lagMs: number | null;
  replayLsn: bigint | null;
  /** The last reason it was skipped. */
  error?: string;
  /** Reads this replica served (and reads it failed, which the primary then served). */
  served: number;
  failed: number;
}

/** Where a read goes: a replica's index, or the primary. */
export type Target = number | 'primary';

/**
 * Picks the server for each read: primary, or a replica that is up, within `maxLagMs`, and (for
 * read-your-writes) past the scope's last write. Each replica is sampled every `checkIntervalMs` on a
 * connection of its own; a replica that fails a read is marked down at once and re-checked on the next tick.
 */
export class ReplicaRouter {
  readonly states: ReplicaState[];
  /** Reads the primary served because no replica qualified or one failed. */
  primaryReads = 0;
  readonly #settings: ReplicaSettings;
  readonly #probes: pg.Pool[];
  readonly #primary: pg.Pool;
  #next = 0;
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<void> | undefined;

  constructor(primaryUrl: string, settings: ReplicaSettings, connection: ConnectionSettings) {
    this.#settings = settings;
    const pool = (connectionString: string) => {
      // allowExitOnIdle: a probe connection never keeps a finished process (a CLI run) alive.
      const p = new pg.Pool({
        connectionString,
        max: 1,
        connectionTimeoutMillis: connection.connectTimeoutMs,
        allowExitOnIdle: true,
      });
      p.on('error', () => {});
      return p;
    };
    this.#primary = pool(primaryUrl);
    this.#probes = settings.urls.map(pool);
    this.states = settings.urls.map((url) => ({
      replica: displayUrl(url),
      usable: false,
      up: false,
      lagMs: null,
      replayLsn: null,
      served: 0,
      failed: 0,
    }));
  }

  /** Takes a first sample of every replica, then keeps sampling in the background. */
  async start(): Promise<void> {
    this.#timer = setInterval(() => void this.sample(), this.#settings.checkIntervalMs);
    this.#timer.unref();
    await this.sample();
  }

  /** Samples every replica now (one sample at a time; a caller during a sample waits for it). */
  sample(): Promise<void> {
    this.#sampling ??= (async () => {
      try {
        let primaryLsn: bigint | null = null;
        try {
          primaryLsn = await primaryWalLsn(this.#primary);
        } catch {}
        await Promise.all(
          this.#probes.map(async (probe, i) => {
            const s = await sampleReplica(probe, primaryLsn);
            const state = this.states[i] as ReplicaState;
            state.up = s.up;
            state.lagMs = s.lagMs;
            // Replay only moves forward on one standby; keep the highest seen (a restart may report less for a moment).
            if (s.replayLsn !== null && (state.replayLsn === null || s.replayLsn > state.replayLsn))
              state.replayLsn = s.replayLsn;
            if (!s.up) state.replayLsn = null;
            state.error =
              s.error ??
              (s.lagMs !== null && s.lagMs > this.#settings.maxLagMs
                ? `lag ${Math.round(s.lagMs)} ms over budget`
                : undefined);
            state.usable = s.up && s.lagMs !== null && s.lagMs <= this.#settings.maxLagMs;
          }),
        );
      } finally {
        this.#sampling = undefined;
      }
    })();
    return this.#sampling;
  }

  /**
   * The server for a read at `consistency` in `scope`. A dirty scope (written since its position was taken)
   * first reads the primary's WAL insert position, which lies past every write committed before this call.
   */
  async choose(consistency: Consistency, scope: ReadScope): Promise<Target> {
    if (consistency === 'primary') return this.#primaryTarget();
    const usable = this.states.some((s) => s.usable);
    if (!usable) return this.#primaryTarget();
    if (consistency === 'read-your-writes') {
      if (scope.dirty) {
        scope.dirty = false;
        const capture = this.#capture(scope).finally(() => {
          if (scope.capturing === capture) scope.capturing = undefined;
        });
        scope.capturing = capture;
      }
      if (scope.capturing && !(await scope.capturing)) return this.#primaryTarget();
    }
    const floor = consistency === 'read-your-writes' ? scope.lsn : 0n;
    // With readsOnPrimary the primary is one more slot of the rotation (the last).
    const slots = this.states.length + (this.#settings.readsOnPrimary ? 1 : 0);
    for (let n = 0; n < slots; n++) {
      const i = (this.#next + n) % slots;
      if (i === this.states.length) {
        this.#next = 0;
        return this.#primaryTarget();
      }
      const s = this.states[i] as ReplicaState;
      if (s.usable && (floor === 0n || (s.replayLsn !== null && s.replayLsn >= floor))) {
        this.#next = i + 1;
        s.served++;
        return i;
      }
    }
    return this.#primaryTarget();
  }

  /** A read on replica `i` failed for a connection reason: skip it until the next sample says otherwise. */
  markFailed(i: number, error: unknown): void {
    const s = this.states[i];
    if (!s) return;
    s.usable = false;
    s.up = false;
    s.failed++;
    s.served--;
    s.error = describe(error);
  }

  /** A copy of every replica's state, for health output and tests. */
  status(): ReplicaState[] {
    return this.states.map((s) => ({ ...s }));
  }

  /** Stops sampling and closes the probe connections. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sampling?.catch(() => {});
    await Promise.all([this.#primary, ...this.#probes].map((p) => p.end().catch(() => {})));
  }

  /** Reads the primary's WAL insert position into `scope`; false (and the scope dirty again) when that failed. */
  async #capture(scope: ReadScope): Promise<boolean> {
    try {
      const { rows } = await this.#primary.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
      const lsn = parseLsn(rows[0]?.lsn) ?? 0n;
      if (lsn > scope.lsn) scope.lsn = lsn;
      return true;
    } catch {
      scope.dirty = true;
      return false;
    }
  }

  #primaryTarget(): 'primary' {
    this.primaryReads++;
    return 'primary';
  }
}

/** Errors that mean the replica (not the query) is the problem: the primary can serve the read instead. */
export function isReplicaFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (/^(08|57P)/.test(code)) return true; // connection exceptions, admin/crash shutdown, cannot connect now
    if (
      [
        '53300',
        '40001',
        '3D000',
        'ECONNREFUSED',
        'ECONNRESET',
        'ETIMEDOUT',
        'EPIPE',
        'EHOSTUNREACH',
        'ENOTFOUND',
      ].includes(code)
    )
      return true; // too many connections; recovery conflict; database not replayed yet; network
  }
  return (
    error instanceof Error &&
    /Connection terminated|timeout expired|connection error|Client was closed|not queryable|ECONNREFUSED/i.test(
      error.message,
    )
  );
}
