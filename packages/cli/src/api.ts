import type { Composition } from '@tessera/kernel';
import type { ContextStatus, EngineEvent, MigrationEngine, PlannedMigration } from '@tessera/migrator';
import type { TesseraConfig } from './config.ts';

/** Where and how to run: the database URL, progress events, and the lock wait. */
export interface RunOptions {
  readonly url: string;
  readonly onEvent?: (event: EngineEvent) => void;
  /** How long `migrate`/`down` wait for another run's lock (default 10 minutes). */
  readonly lockTimeoutMs?: number;
}

/** The composition of a config: its contexts and their dependencies, in dependency order. */
export async function composition(config: TesseraConfig): Promise<Composition> {
  const { composeContexts } = await import('@tessera/kernel');
  return composeContexts(config.contexts, { closed: config.closed ?? false });
}

/** Runs `fn` with a connected engine for the config's composition, closing it afterwards. */
export async function withEngine<T>(
  config: TesseraConfig,
  options: RunOptions,
  fn: (engine: MigrationEngine) => Promise<T>,
): Promise<T> {
  const { MigrationEngine } = await import('@tessera/migrator');
  const engine = await MigrationEngine.create({
    composition: await composition(config),
    url: options.url,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
  });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Applies every pending migration of the config's contexts (under the lock, in dependency order). */
export async function migrate(config: TesseraConfig, options: RunOptions): Promise<PlannedMigration[]> {
  const started = performance.now();
  const applied = await withEngine(config, options, (engine) => engine.up());
  if (applied.length > 0) {
    const ms = Math.round(performance.now() - started);
    await config.onMigrated?.({ direction: 'up', migrations: applied.map((m) => m.name), ms, url: options.url });
  }
  return applied;
}

/** Applied and pending migrations, per context. */
export function status(config: TesseraConfig, options: RunOptions): Promise<ContextStatus[]> {
  return withEngine(config, options, (engine) => engine.status());
}

/** The pending migrations with their SQL, without applying them. */
export function plan(config: TesseraConfig, options: RunOptions): Promise<PlannedMigration[]> {
  return withEngine(config, options, (engine) => engine.plan());
}

/** What `check` found: pending migrations, and the statements that would align the database with the entities. */
export interface CheckResult {
  readonly pending: readonly PlannedMigration[];
  readonly drift: readonly string[];
  /** True when nothing is pending and nothing drifted. */
  readonly clean: boolean;
}

/** Compares the database with the migrations and the entities. */
export async function check(config: TesseraConfig, options: RunOptions): Promise<CheckResult> {
  const { checkDrift } = await import('@tessera/migrator');
  const pending = await plan(config, options);
  const drift = (await checkDrift(await composition(config), options.url)).statements;
  return { pending, drift, clean: pending.length === 0 && drift.length === 0 };
}

/** Reverts the last migration, the last `steps`, or all applied after `to` (`'0'`: all); returns their names. */
export async function down(
  config: TesseraConfig,
  options: RunOptions & { readonly to?: string; readonly steps?: number },
): Promise<string[]> {
  const started = performance.now();
  const { to, steps } = options;
  const reverted = await withEngine(config, options, (engine) =>
    engine.down({ ...(to !== undefined ? { to } : {}), ...(steps !== undefined ? { steps } : {}) }),
  );
  if (reverted.length > 0) {
    const ms = Math.round(performance.now() - started);
    await config.onMigrated?.({ direction: 'down', migrations: reverted, ms, url: options.url });
  }
  return reverted;
}
