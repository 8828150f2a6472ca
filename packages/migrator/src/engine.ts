import { createHash } from 'node:crypto';
import { type AbstractSqlDriver, MikroORM, RawQueryFragment } from '@mikro-orm/postgresql';
import type { Composition, MigrationEntry } from '@tessera/kernel';
import { TesseraNamingStrategy } from '@tessera/kernel';
import pg from 'pg';
import {
  MigrationChecksumError,
  MigrationDefinitionError,
  MigrationFailedError,
  UnknownMigrationError,
} from './errors.ts';
import { type AppliedMigration, ensureJournal, readJournal, recordApplied, recordReverted } from './journal.ts';
import { acquireMigrationLock, releaseMigrationLock } from './lock.ts';
import { describeMigrations, type OrderedMigration, orderMigrations } from './order.ts';

/** Progress of a run, for a CLI or a log. */
export type EngineEvent =
  | { type: 'lock-waiting'; holderPid: number | undefined }
  | { type: 'lock-acquired'; waitedMs: number }
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
}

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

/** Appends `client_connection_check_interval` so a killed runner's open transaction is aborted within a second. */
function withConnectionCheck(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('options')) {
    parsed.searchParams.set('options', '-c client_connection_check_interval=1000');
  }
  return parsed.toString();
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

  private constructor(options: EngineOptions, orm: MikroORM, client: pg.Client) {
    this.#options = options;
    this.composition = options.composition;
    this.#orm = orm;
    this.#client = client;
    this.#described = describeMigrations(options.composition);
  }

  /** Creates an engine and connects it. Close it with {@link close}. */
  static async create(options: EngineOptions): Promise<MigrationEngine> {
    for (const ctx of options.composition.contexts) {
      if (ctx.name === 'tessera') {
        throw new MigrationDefinitionError('the context name "tessera" is reserved for the migration journal');
      }
    }
    const orm = new MikroORM({
      clientUrl: options.url,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      namingStrategy: TesseraNamingStrategy,
      ensureDatabase: false,
    });
    const client = new pg.Client({
      connectionString: withConnectionCheck(options.url),
      application_name: 'tessera-migrate',
    });
    // A dropped connection surfaces as the failure of the query in flight; don't let it crash the process too.
    client.on('error', () => {});
    const engine = new MigrationEngine(options, orm, client);
    await client.connect();
    return engine;
  }

  /** Closes the engine's connection (which also releases the lock, should it still be held). */
  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
    await this.#orm.close(true);
  }

  /** The SQL a migration emits for `up` or `down`, without running it. */
  async #emit(entry: MigrationEntry, direction: 'up' | 'down'): Promise<string[]> {
    const driver = this.#orm.em.getDriver() as AbstractSqlDriver;
    const migration = new entry.class(driver, this.#orm.config);
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
        return q.params.length === 0 ? q.sql : this.#orm.em.getPlatform().formatQuery(q.sql, q.params);
      }
      throw new MigrationDefinitionError(
        `migration ${entry.name} adds a query builder; add SQL strings or raw() instead`,
      );
    });
  }

  async #load(name: string): Promise<Loaded> {
    const cached = this.#loaded.get(name);
    if (cached) return cached;
    const entry = this.composition.migrations.find((m) => m.name === name);
    if (!entry) throw new MigrationDefinitionError(`no migration named ${name} in the composition`);
    const up = await this.#emit(entry, 'up');
    const checksum = createHash('sha256').update(up.join('\n;\n')).digest('hex');
    const driver = this.#orm.em.getDriver() as AbstractSqlDriver;
    const transactional = new entry.class(driver, this.#orm.config).isTransactional();
    const loaded = { entry, up, checksum, transactional };
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
    return this.composition.contexts.map((ctx) => ({
      context: ctx.name,
      applied: state.applied.filter((a) => a.context === ctx.name),
      pending: state.pending.filter((p) => p.context === ctx.name).map((p) => p.name),
      edited: state.edited
        .filter((e) => state.applied.find((a) => a.name === e.name)?.context === ctx.name)
        .map((e) => e.name),
      missing: state.missing.filter((m) => m.context === ctx.name).map((m) => m.name),
    }));
  }

  /** Runs `fn` under the migration lock, reading the journal only once the lock is held. */
  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    await acquireMigrationLock(this.#client, {
      timeoutMs: this.#options.lockTimeoutMs ?? 600_000,
      onWait: (holderPid) => this.#options.onEvent?.({ type: 'lock-waiting', holderPid }),
    });
    this.#options.onEvent?.({ type: 'lock-acquired', waitedMs: Date.now() - started });
    try {
      await ensureJournal(this.#client);
      return await fn();
    } finally {
      await releaseMigrationLock(this.#client).catch(() => undefined);
    }
  }

  /** Applies every pending migration. Returns what it applied (nothing when the database is up to date). */
  async up(): Promise<PlannedMigration[]> {
    return this.#locked(async () => {
      const state = await this.#inspect();
      this.#assertConsistent(state);
      const plan = await this.#toPlan(state.pending, state.applied);
      for (const [i, m] of plan.entries()) {
        const start = { direction: 'up' as const, name: m.name, context: m.context, index: i + 1, total: plan.length };
        this.#options.onEvent?.({
          type: 'migration-start',
          ...start,
          transactional: m.transactional,
          outOfOrder: m.outOfOrder,
        });
        const t0 = performance.now();
        await this.#apply(m.name, 'up', m.statements, m.transactional, () =>
          recordApplied(this.#client, {
            name: m.name,
            context: m.context,
            checksum: m.checksum,
            transactional: m.transactional,
            executionMs: performance.now() - t0,
          }),
        );
        this.#options.onEvent?.({
          type: 'migration-done',
          direction: 'up',
          name: m.name,
          context: m.context,
          ms: performance.now() - t0,
        });
      }
      return plan;
    });
  }

  /**
   * Reverts applied migrations in reverse order of application: the last `steps` (default 1), or every one
   * applied after `to` (`to: '0'` reverts everything). Returns the names reverted.
   */
  async down(options: { to?: string; steps?: number } = {}): Promise<string[]> {
    return this.#locked(async () => {
      const state = await this.#inspect();
      this.#assertConsistent(state);
      const newestFirst = [...state.applied].reverse();
      let targets: AppliedMigration[];
      if (options.to !== undefined) {
        if (options.to === '0') {
          targets = newestFirst;
        } else {
          const index = newestFirst.findIndex((a) => a.name === options.to);
          if (index === -1) {
            throw new MigrationDefinitionError(`down --to ${options.to}: no applied migration has that name`);
          }
          targets = newestFirst.slice(0, index);
        }
      } else {
        const steps = options.steps ?? 1;
        if (!Number.isInteger(steps) || steps < 1) {
          throw new MigrationDefinitionError(`down: steps must be a positive integer (got ${steps})`);
        }
        targets = newestFirst.slice(0, steps);
      }
      for (const [i, a] of targets.entries()) {
        const { entry, transactional } = await this.#load(a.name);
        this.#options.onEvent?.({
          type: 'migration-start',
          direction: 'down',
          name: a.name,
          context: a.context,
          index: i + 1,
          total: targets.length,
          transactional,
          outOfOrder: false,
        });
        const t0 = performance.now();
        const statements = await this.#emit(entry, 'down');
        await this.#apply(a.name, 'down', statements, transactional, () => recordReverted(this.#client, a.name));
        this.#options.onEvent?.({
          type: 'migration-done',
          direction: 'down',
          name: a.name,
          context: a.context,
          ms: performance.now() - t0,
        });
      }
      return targets.map((t) => t.name);
    });
  }

  /** Runs one migration's statements, in one transaction with its journal write unless it opted out. */
  async #apply(
    name: string,
    direction: 'up' | 'down',
    statements: readonly string[],
    transactional: boolean,
    record: () => Promise<void>,
  ): Promise<void> {
    const client = this.#client;
    let current: string | undefined;
    try {
      if (transactional) {
        await client.query('begin');
        try {
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
      } else {
        // Each statement runs on its own (CREATE INDEX CONCURRENTLY refuses a transaction block). If the run dies
        // part-way, the journal has no row and the next run repeats the migration, so such migrations are written
        // to be repeatable (IF NOT EXISTS).
        for (const sql of statements) {
          current = sql;
          await client.query(sql);
        }
        current = undefined;
        await record();
      }
    } catch (err) {
      throw new MigrationFailedError(name, direction, current, err);
    }
  }
}
