import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type AbstractSqlDriver, MikroORM, RawQueryFragment } from '@mikro-orm/postgresql';
import type { Composition, ConnectionSettings, MigrationEntry } from '@tessera/kernel';
import { connectWithRetry, TesseraNamingStrategy } from '@tessera/kernel';
import pg from 'pg';
import {
  MigrationChecksumError,
  MigrationDefinitionError,
  MigrationFailedError,
  MigrationLockWaitError,
  MigrationNeedsResolveError,
  MigrationResolveError,
  UnknownMigrationError,
} from './errors.ts';
import type { LockHolder } from './holders.ts';
import { listInvalidIndexes, qualified, repairStatement } from './indexes.ts';
import {
  type AppliedMigration,
  clearFailure,
  ensureJournal,
  type FailedMigration,
  readFailures,
  readJournal,
  recordApplied,
  recordFailure,
  recordReverted,
} from './journal.ts';
import { acquireMigrationLock, backoffMs, type PollOptions, releaseMigrationLock } from './lock.ts';
import { describeMigrations, type OrderedMigration, orderMigrations } from './order.ts';
import {
  assertSessionConnection,
  connectionConfig,
  lockWaitOf,
  prepareRunSession,
  resetRunSession,
} from './session.ts';
import { type MigrationSettings, migrationSettings } from './settings.ts';

/** Progress of a run, for a CLI or a log. */
export type EngineEvent =
  | { type: 'lock-waiting'; holderPid: number | undefined; holder: LockHolder | undefined }
  | { type: 'lock-acquired'; waitedMs: number }
  | { type: 'index-repaired'; index: string; statement: string }
  | { type: 'lock-retry'; name: string; attempt: number; of: number; lockTimeoutMs: number }
  | {
      type: 'migration-start';
      direction: 'up' | 'down';
      name: string;
      context: string;
      index: number;
      total: number;
      transactional: boolean;
      outOfOrder: boolean;
    }
  | { type: 'migration-done'; direction: 'up' | 'down'; name: string; context: string; ms: number };

/** Options of a {@link MigrationEngine}. */
export interface EngineOptions {
  composition: Composition;
  /** The database to migrate. */
  url: string;
  onEvent?: (event: EngineEvent) => void;
  /** How long to wait for another run's lock before giving up (default 10 minutes). */
  lockTimeoutMs?: number;
  /** lock_timeout, retries and statement_timeout of migration statements (default: from the environment). */
  settings?: Partial<MigrationSettings>;
  /** How a run waiting for another run's lock polls (default: 50 ms doubling to 2 s, ±50% jitter). */
  lockPoll?: PollOptions;
  /** The pause before retrying a statement that hit its lock_timeout (default: 250 ms doubling to 5 s, ±50%). */
  retryBackoff?: PollOptions;
  /**
   * An already connected client to run on instead of opening one (for example the one a caller used to find out
   * whether there is anything to do), so a run still uses one connection. The engine owns it and closes it.
   */
  client?: pg.Client;
  /** Retry the connection with the kernel's bounded backoff while the server is not up (default: one attempt). */
  connectRetry?: {
    settings?: ConnectionSettings;
    onRetry?: (attempt: number, waitMs: number, error: unknown) => void;
    /** Where the URL came from, for messages (e.g. `DATABASE_URL`). */
    variable?: string;
  };
}

/** What {@link MigrationEngine.resolve} records. */
export type Resolution = 'applied' | 'rolled-back';

/** A migration of the plan: what will run, in which order, with its SQL. */
export interface PlannedMigration {
  readonly name: string;
  readonly context: string;
  readonly transactional: boolean;
  /** A pending migration older than the newest applied one of its context (merged out of order). */
  readonly outOfOrder: boolean;
  readonly checksum: string;
  readonly statements: readonly string[];
}

/** The state of one context's migrations in the database. */
export interface ContextStatus {
  readonly context: string;
  readonly applied: readonly AppliedMigration[];
  readonly pending: readonly string[];
  /** Applied migrations whose code changed since. */
  readonly edited: readonly string[];
  /** Applied migrations the code no longer has. */
  readonly missing: readonly string[];
  /** Invalid indexes in the context's schema (a failed concurrent build), as `schema.index on table`. */
  readonly invalidIndexes: readonly string[];
  /** Non-transactional migrations that failed and were not resolved since. */
  readonly failed: readonly FailedMigration[];
}

interface Inspection {
  readonly applied: AppliedMigration[];
  readonly missing: AppliedMigration[];
  readonly edited: { name: string; applied: string; current: string }[];
  readonly pending: OrderedMigration[];
}

interface Loaded {
  readonly entry: MigrationEntry & { context: string };
  readonly up: string[];
  readonly checksum: string;
  readonly transactional: boolean;
}

/** One migration of a run, up or down. */
interface RunStep {
  readonly name: string;
  readonly context: string;
  readonly transactional: boolean;
  readonly outOfOrder: boolean;
  /** Applying only: a non-transactional migration that fails is recorded against this checksum. */
  readonly checksum?: string;
  /** The SQL to run. */
  statements(): Promise<readonly string[]>;
  /** The journal write, in the migration's transaction when it has one; `ms` since the step started. */
  record(ms: number): Promise<void>;
}

/**
 * The applied migrations `down` reverts, newest first: the last `steps` (default 1), or every one applied after
 * `to` (`'0'`: all of them). A `to` that names no applied migration, or `steps` that is not a positive whole
 * number, is a MigrationDefinitionError.
 */
export function downTargets(
  applied: readonly AppliedMigration[],
  options: { to?: string; steps?: number },
): AppliedMigration[] {
  const newestFirst = [...applied].reverse();
  if (options.to !== undefined) {
    if (options.to === '0') return newestFirst;
    const index = newestFirst.findIndex((a) => a.name === options.to);
    if (index === -1) throw new MigrationDefinitionError(`down --to ${options.to}: no applied migration has that name`);
    return newestFirst.slice(0, index);
  }
  const steps = options.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new MigrationDefinitionError(`down: steps must be a positive integer (got ${steps})`);
  }
  return newestFirst.slice(0, steps);
}

/** A MikroORM instance that only instantiates migrations and formats SQL: it never connects. */
function emitterOrm(url = 'postgresql://localhost/tessera'): MikroORM {
  return new MikroORM({
    clientUrl: url,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    namingStrategy: TesseraNamingStrategy,
    ensureDatabase: false,
  });
}

/** The SQL a migration emits for `up` or `down`, without running it. */
async function emitStatements(orm: MikroORM, entry: MigrationEntry, direction: 'up' | 'down'): Promise<string[]> {
  const driver = orm.em.getDriver() as AbstractSqlDriver;
  const migration = new entry.class(driver, orm.config);
  // Migrations are pure SQL emitters: that is what makes their checksum meaningful and `plan` honest.
  migration.execute = async () => {
    throw new MigrationDefinitionError(
      `migration ${entry.name} calls this.execute() in ${direction}(); express every change with this.addSql()`,
    );
  };
  await migration[direction]();
  return migration.getQueries().map((q) => {
    if (typeof q === 'string') return q;
    if (q instanceof RawQueryFragment) {
      return q.params.length === 0 ? q.sql : orm.em.getPlatform().formatQuery(q.sql, q.params);
    }
    throw new MigrationDefinitionError(
      `migration ${entry.name} adds a query builder; add SQL strings or raw() instead`,
    );
  });
}

/** A migration's `up` SQL, its checksum (sha256 of the statements joined by `\n;\n`) and whether it is transactional. */
async function loadMigration(
  orm: MikroORM,
  entry: MigrationEntry,
): Promise<{ up: string[]; checksum: string; transactional: boolean }> {
  const up = await emitStatements(orm, entry, 'up');
  const checksum = createHash('sha256').update(up.join('\n;\n')).digest('hex');
  const driver = orm.em.getDriver() as AbstractSqlDriver;
  const transactional = new entry.class(driver, orm.config).isTransactional();
  return { up, checksum, transactional };
}

/**
 * Every migration of a composition with the checksum a run records for it, computed exactly as the engine does
 * (for a manifest that lets a no-op run skip loading the migrations). Connects to nothing.
 */
export async function migrationChecksums(
  composition: Composition,
): Promise<{ name: string; context: string; checksum: string }[]> {
  const orm = emitterOrm();
  try {
    const result: { name: string; context: string; checksum: string }[] = [];
    for (const entry of composition.migrations) {
      result.push({ name: entry.name, context: entry.context, checksum: (await loadMigration(orm, entry)).checksum });
    }
    return result;
  } finally {
    await orm.close(true);
  }
}

/**
 * The unified migration run over a composition of contexts: one advisory lock for the whole run, a checksum
 * per applied migration, a dependency-aware deterministic order, one transaction per migration (unless a
 * migration opts out, for `CREATE INDEX CONCURRENTLY`), plan, status and down.
 */
export class MigrationEngine {
  readonly composition: Composition;
  /** Only instantiates migrations and formats SQL: it never connects and discovers no entities. */
  readonly #orm: MikroORM;
  /** The one connection of the run: it holds the lock, runs the migrations and writes the journal. */
  readonly #client: pg.Client;
  readonly #options: EngineOptions;
  readonly #described: OrderedMigration[];
  readonly #loaded = new Map<string, Loaded>();
  readonly #settings: MigrationSettings;
  /** This run's backend pid while it holds the lock. */
  #pid = 0;
  /** A second session, opened only when a statement keeps hitting its lock_timeout, to see what it waits for. */
  #monitor: pg.Client | undefined;

  private constructor(options: EngineOptions, orm: MikroORM, client: pg.Client) {
    this.#options = options;
    this.composition = options.composition;
    this.#orm = orm;
    this.#client = client;
    this.#described = describeMigrations(options.composition);
    this.#settings = { ...migrationSettings(), ...options.settings };
  }

  /** Creates an engine and connects it. Close it with {@link close}. */
  static async create(options: EngineOptions): Promise<MigrationEngine> {
    for (const ctx of options.composition.contexts) {
      if (ctx.name === 'tessera') {
        throw new MigrationDefinitionError('the context name "tessera" is reserved for the migration journal');
      }
    }
    const orm = emitterOrm(options.url);
    if (options.client) return new MigrationEngine(options, orm, options.client);
    // No startup `options`: poolers refuse them. A run's settings are SET once it holds the lock.
    const connect = async () => {
      const client = new pg.Client(connectionConfig(options.url, 'tessera-migrate'));
      // A dropped connection surfaces as the failure of the query in flight; don't let it crash the process too.
      client.on('error', () => {});
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
      return client;
    };
    // Waiting for a server that is starting costs no extra connection: the run's own one is retried.
    const retry = options.connectRetry;
    const client = retry
      ? await connectWithRetry(options.url, connect, retry.settings, retry.onRetry, {
          ...(retry.variable ? { variable: retry.variable } : {}),
        })
      : await connect();
    return new MigrationEngine(options, orm, client);
  }

  /** Closes the engine's connection (which also releases the lock, should it still be held). */
  async close(): Promise<void> {
    await this.#monitor?.end().catch(() => undefined);
    await this.#client.end().catch(() => undefined);
    await this.#orm.close(true);
  }

  /**
   * The engine's one connection, for work that belongs to the run, such as recording its completion event (so a
   * run needs no other connection). Use it between engine calls, never during one.
   */
  get connection(): pg.ClientBase {
    return this.#client;
  }

  /** The SQL a migration emits for `up` or `down`, without running it. */
  #emit(entry: MigrationEntry, direction: 'up' | 'down'): Promise<string[]> {
    return emitStatements(this.#orm, entry, direction);
  }

  async #load(name: string): Promise<Loaded> {
    const cached = this.#loaded.get(name);
    if (cached) return cached;
    const entry = this.composition.migrations.find((m) => m.name === name);
    if (!entry) throw new MigrationDefinitionError(`no migration named ${name} in the composition`);
    const loaded = { entry, ...(await loadMigration(this.#orm, entry)) };
    this.#loaded.set(name, loaded);
    return loaded;
  }

  /** Reads the journal and compares it with the code: applied, pending (in run order), edited, missing. */
  async #inspect(): Promise<Inspection> {
    const applied = await readJournal(this.#client);
    const contexts = new Set(this.composition.schemas);
    const mine = applied.filter((a) => contexts.has(a.context));
    const known = new Set(this.composition.migrations.map((m) => m.name));
    const missing = mine.filter((a) => !known.has(a.name));
    const edited: { name: string; applied: string; current: string }[] = [];
    for (const a of mine) {
      if (!known.has(a.name)) continue;
      const { checksum } = await this.#load(a.name);
      if (checksum !== a.checksum) edited.push({ name: a.name, applied: a.checksum, current: checksum });
    }
    const done = new Set(mine.map((a) => a.name));
    const pending = orderMigrations(this.#described, this.composition.schemas, done);
    return { applied: mine, missing, edited, pending };
  }

  /** Refuses to go on when the database and the code disagree about history. */
  #assertConsistent(state: Inspection): void {
    const [edited] = state.edited;
    if (edited) throw new MigrationChecksumError(edited.name, edited.applied, edited.current);
    const [missing] = state.missing;
    if (missing) throw new UnknownMigrationError(missing.name, missing.context);
  }

  async #toPlan(
    pending: readonly OrderedMigration[],
    applied: readonly AppliedMigration[],
  ): Promise<PlannedMigration[]> {
    const newest = new Map<string, string>();
    for (const a of applied) {
      const ts = a.name.slice('Migration'.length, 'Migration'.length + 14);
      if ((newest.get(a.context) ?? '') < ts) newest.set(a.context, ts);
    }
    const plan: PlannedMigration[] = [];
    for (const m of pending) {
      const loaded = await this.#load(m.name);
      plan.push({
        name: m.name,
        context: m.context,
        transactional: loaded.transactional,
        outOfOrder: m.timestamp < (newest.get(m.context) ?? ''),
        checksum: loaded.checksum,
        statements: loaded.up,
      });
    }
    return plan;
  }

  /** The pending migrations, in the order `up` would run them, with their SQL. Applies nothing. */
  async plan(): Promise<PlannedMigration[]> {
    const state = await this.#inspect();
    this.#assertConsistent(state);
    return this.#toPlan(state.pending, state.applied);
  }

  /** Per context: what is applied, what is pending, and what disagrees with the code. */
  async status(): Promise<ContextStatus[]> {
    const state = await this.#inspect();
    const invalid = await listInvalidIndexes(this.#client, this.composition.schemas);
    const failures = await readFailures(this.#client);
    return this.composition.contexts.map((ctx) => ({
      context: ctx.name,
      applied: state.applied.filter((a) => a.context === ctx.name),
      pending: state.pending.filter((p) => p.context === ctx.name).map((p) => p.name),
      edited: state.edited
        .filter((e) => state.applied.find((a) => a.name === e.name)?.context === ctx.name)
        .map((e) => e.name),
      missing: state.missing.filter((m) => m.context === ctx.name).map((m) => m.name),
      invalidIndexes: invalid
        .filter((i) => i.schema === ctx.name)
        .map((i) => `${i.schema}.${i.name} on ${i.table}${i.building ? ' (being built now)' : ''}`),
      failed: failures.filter((f) => f.context === ctx.name && !state.applied.some((a) => a.name === f.name)),
    }));
  }

  /** The applied migrations of the composition's contexts, in the order they were applied. */
  async history(): Promise<AppliedMigration[]> {
    return (await this.#inspect()).applied;
  }

  /**
   * Marks a failed non-transactional migration after a person checked the database: `applied` records it as
   * applied (the person finished it), `rolled-back` forgets the failure (the person undid it; the next run applies
   * it again). Runs under the migration lock. Returns the migration's context.
   */
  async resolve(name: string, resolution: Resolution): Promise<{ migration: string; context: string }> {
    const entry = this.composition.migrations.find((m) => m.name === name);
    if (!entry) throw new MigrationResolveError(name, 'the composition has no migration of that name');
    return this.#locked(async () => {
      const state = await this.#inspect();
      if (state.applied.some((a) => a.name === name)) {
        throw new MigrationResolveError(name, 'it is applied already; nothing failed');
      }
      const failure = (await readFailures(this.#client)).find((f) => f.name === name);
      if (!failure) {
        throw new MigrationResolveError(
          name,
          'no failure of it is recorded (only a failed non-transactional migration can be resolved)',
        );
      }
      if (resolution === 'applied') {
        const { checksum, transactional } = await this.#load(name);
        await recordApplied(this.#client, {
          name,
          context: entry.context,
          checksum,
          transactional,
          executionMs: 0,
          resolution: 'resolved as applied',
        });
      } else {
        await clearFailure(this.#client, name);
      }
      return { migration: name, context: entry.context };
    });
  }

  /**
   * Runs `fn` under the migration lock, reading the journal only once the lock is held. Refuses a transaction
   * pooler first; SETs the run's session settings once locked, and unlocks and resets them whatever happens.
   */
  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    await assertSessionConnection(this.#client, this.#options.url);
    const started = Date.now();
    this.#pid = await acquireMigrationLock(this.#client, {
      timeoutMs: this.#options.lockTimeoutMs ?? 600_000,
      onWait: (holder) => this.#options.onEvent?.({ type: 'lock-waiting', holderPid: holder?.pid, holder }),
      ...(this.#options.lockPoll ? { poll: this.#options.lockPoll } : {}),
    });
    this.#options.onEvent?.({ type: 'lock-acquired', waitedMs: Date.now() - started });
    try {
      await prepareRunSession(this.#client, this.#settings.lockTimeoutMs);
      await ensureJournal(this.#client);
      return await fn();
    } finally {
      await releaseMigrationLock(this.#client).catch(() => undefined);
      await resetRunSession(this.#client).catch(() => undefined);
    }
  }

  /** Rebuilds the invalid indexes a failed or killed concurrent build left in the composition's schemas. */
  async #repairInvalidIndexes(): Promise<void> {
    for (const index of await listInvalidIndexes(this.#client, this.composition.schemas)) {
      if (index.building) continue;
      const statement = repairStatement(index);
      await this.#retrying(
        `repair of index ${qualified(index)}`,
        () => statement,
        () => this.#client.query(statement),
      );
      this.#options.onEvent?.({ type: 'index-repaired', index: `${index.schema}.${index.name}`, statement });
    }
  }

  /** Refuses to run past a non-transactional migration that failed part-way and was not resolved. */
  async #assertNoPartialFailure(pending: readonly OrderedMigration[]): Promise<void> {
    const names = new Set(pending.map((p) => p.name));
    for (const f of await readFailures(this.#client)) {
      if (!names.has(f.name)) continue;
      if (f.statementsDone > 0) {
        throw new MigrationNeedsResolveError(f.name, f.statementsDone, f.statementsTotal, f.statement, f.error);
      }
    }
  }

  /**
   * Runs `fn` under the migration lock once the journal agrees with the code (no applied migration edited or
   * missing): the part every run that changes the schema shares.
   */
  async #consistentRun<T>(fn: (state: Inspection) => Promise<T>): Promise<T> {
    return this.#locked(async () => {
      const state = await this.#inspect();
      this.#assertConsistent(state);
      return fn(state);
    });
  }

  /**
   * Runs each step in order, one migration at a time, announcing its start and end: the one loop of `up` and
   * `down`. A step's statements are emitted once it starts; its journal write is timed from then.
   */
  async #runSteps(direction: 'up' | 'down', steps: readonly RunStep[]): Promise<void> {
    for (const [i, step] of steps.entries()) {
      const { name, context, transactional } = step;
      this.#options.onEvent?.({
        type: 'migration-start',
        direction,
        name,
        context,
        index: i + 1,
        total: steps.length,
        transactional,
        outOfOrder: step.outOfOrder,
      });
      const t0 = performance.now();
      const statements = await step.statements();
      await this.#apply(step, direction, statements, transactional, () => step.record(performance.now() - t0));
      this.#options.onEvent?.({ type: 'migration-done', direction, name, context, ms: performance.now() - t0 });
    }
  }

  /** Applies every pending migration. Returns what it applied (nothing when the database is up to date). */
  async up(): Promise<PlannedMigration[]> {
    return this.#consistentRun(async (state) => {
      await this.#assertNoPartialFailure(state.pending);
      await this.#repairInvalidIndexes();
      const plan = await this.#toPlan(state.pending, state.applied);
      await this.#runSteps(
        'up',
        plan.map((m) => ({
          name: m.name,
          context: m.context,
          transactional: m.transactional,
          outOfOrder: m.outOfOrder,
          checksum: m.checksum,
          statements: async () => m.statements,
          record: (executionMs) =>
            recordApplied(this.#client, {
              name: m.name,
              context: m.context,
              checksum: m.checksum,
              transactional: m.transactional,
              executionMs,
            }),
        })),
      );
      return plan;
    });
  }

  /**
   * Reverts applied migrations in reverse order of application: the last `steps` (default 1), or every one
   * applied after `to` (`to: '0'` reverts everything). Returns the names reverted.
   */
  async down(options: { to?: string; steps?: number } = {}): Promise<string[]> {
    return this.#consistentRun(async (state) => {
      const targets = downTargets(state.applied, options);
      const steps: RunStep[] = [];
      for (const a of targets) {
        const { entry, transactional } = await this.#load(a.name);
        steps.push({
          name: a.name,
          context: a.context,
          transactional,
          outOfOrder: false,
          statements: () => this.#emit(entry, 'down'),
          record: () => recordReverted(this.#client, a.name),
        });
      }
      await this.#runSteps('down', steps);
      return targets.map((t) => t.name);
    });
  }

  /**
   * Runs `attempt` and tries it again, after a jittered pause, each time it fails on its lock_timeout, up to the
   * configured number of retries. When
   * the retries are spent, fails with {@link MigrationLockWaitError} saying which lock it waited for and who held
   * it (looked up from a second session while the later attempts wait).
   */
  async #retrying<T>(name: string, statement: () => string, attempt: () => Promise<T>): Promise<T> {
    const attempts = this.#settings.lockRetries + 1;
    for (let n = 1; ; n++) {
      const watch = n > 1 || n === attempts ? this.#watchLockWait() : undefined;
      try {
        const result = await attempt();
        await watch?.stop();
        return result;
      } catch (error) {
        const seen = await watch?.stop();
        if ((error as { code?: string }).code !== '55P03') throw error;
        if (n >= attempts) throw new MigrationLockWaitError(name, statement(), n, this.#settings.lockTimeoutMs, seen);
        this.#options.onEvent?.({
          type: 'lock-retry',
          name,
          attempt: n + 1,
          of: attempts,
          lockTimeoutMs: this.#settings.lockTimeoutMs,
        });
        await delay(backoffMs(n - 1, { firstMs: 250, maxMs: 5_000, ...this.#options.retryBackoff }));
      }
    }
  }

  /** Looks, from a second session, at what this run's session waits for once it has waited half its lock_timeout. */
  #watchLockWait(): { stop(): Promise<{ lock: string; holders: LockHolder[] } | undefined> } {
    let seen: { lock: string; holders: LockHolder[] } | undefined;
    let looking: Promise<void> | undefined;
    const timer = setTimeout(
      () => {
        looking = (async () => {
          try {
            if (!this.#monitor) {
              const monitor = new pg.Client(connectionConfig(this.#options.url, 'tessera-migrate-monitor'));
              monitor.on('error', () => {});
              await monitor.connect();
              this.#monitor = monitor;
            }
            seen = (await lockWaitOf(this.#monitor, this.#pid)) ?? seen;
          } catch {
            // Diagnosis only: the error that follows still says the statement timed out.
          }
        })();
      },
      Math.max(1, Math.floor(this.#settings.lockTimeoutMs / 2)),
    );
    return {
      stop: async () => {
        clearTimeout(timer);
        await looking;
        return seen;
      },
    };
  }

  /**
   * Runs one migration's statements, in one transaction with its journal write unless it opted out. Each try of
   * a transactional migration runs under statement_timeout; a lock timeout rolls it back and tries it again. A
   * non-transactional migration retries the statement that timed out, after dropping any invalid index that
   * statement left, and records a failure (for `resolve`) when it gives up.
   */
  async #apply(
    migration: { readonly name: string; readonly context: string; readonly checksum?: string },
    direction: 'up' | 'down',
    statements: readonly string[],
    transactional: boolean,
    record: () => Promise<void>,
  ): Promise<void> {
    const { name } = migration;
    const client = this.#client;
    let current: string | undefined;
    let done = 0;
    try {
      if (transactional) {
        await this.#retrying(
          name,
          () => current ?? statements.join(';\n'),
          async () => {
            await client.query('begin');
            try {
              await client.query(
                `set local statement_timeout = ${Math.max(0, Math.floor(this.#settings.statementTimeoutMs))}`,
              );
              for (const sql of statements) {
                current = sql;
                await client.query(sql);
              }
              current = undefined;
              await record();
              await client.query('commit');
            } catch (err) {
              await client.query('rollback').catch(() => undefined);
              throw err;
            }
          },
        );
      } else {
        // Each statement runs on its own (CREATE INDEX CONCURRENTLY refuses a transaction block). If the run dies
        // part-way, the journal has no row and the next run repeats the migration, so such migrations are written
        // to be repeatable (IF NOT EXISTS); the invalid index a killed build leaves is rebuilt by the next run.
        for (const sql of statements) {
          current = sql;
          const before = new Set((await listInvalidIndexes(client, this.composition.schemas)).map(qualified));
          let retry = false;
          await this.#retrying(
            name,
            () => sql,
            async () => {
              // A concurrent build that timed out left an invalid index, which IF NOT EXISTS would keep: drop it.
              if (retry) {
                for (const index of await listInvalidIndexes(client, this.composition.schemas)) {
                  if (!before.has(qualified(index)) && !index.building) {
                    await client.query(`drop index concurrently if exists ${qualified(index)}`);
                  }
                }
              }
              retry = true;
              await client.query(sql);
            },
          );
          done++;
        }
        current = undefined;
        await record();
      }
    } catch (err) {
      if (!transactional && direction === 'up' && migration.checksum) {
        await recordFailure(client, {
          name,
          context: migration.context,
          checksum: migration.checksum,
          statementsDone: done,
          statementsTotal: statements.length,
          statement: current ?? null,
          error: err instanceof Error ? err.message : String(err),
        }).catch(() => undefined);
      }
      if (err instanceof MigrationLockWaitError) throw err;
      throw new MigrationFailedError(name, direction, current, err);
    }
  }
}
