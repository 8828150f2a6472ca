import type { Composition } from '@tessera/kernel';
import type {
  AppliedMigration,
  ContextStatus,
  EngineEvent,
  EngineOptions,
  MigrationEngine,
  MigrationManifest,
  ObjectDrift,
  PlannedMigration,
} from '@tessera/migrator';
import type { TesseraConfig } from './config.ts';

/**
 * Where and how to run: the database URL (migrations use `TESSERA_MIGRATION_URL` instead when it is set: a direct
 * or session-mode URL for when `url` goes through a transaction pooler), progress events, and the lock wait.
 */
export interface RunOptions {
  readonly url: string;
  /** Where `TESSERA_MIGRATION_URL` and the connection and migration settings come from (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  readonly onEvent?: (event: EngineEvent) => void;
  /** How long `migrate`/`down` wait for another run's lock (default 10 minutes). */
  readonly lockTimeoutMs?: number;
  /** Gets one line per retry while the server does not answer yet (the run's own connection is retried). */
  readonly notice?: (line: string) => void;
  /** An open connection to the migration database to run on (the engine closes it), instead of opening one. */
  readonly client?: EngineOptions['client'];
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
  const { MigrationEngine, migrationSettings, migrationUrl } = await import('@tessera/migrator');
  const { classifyConnectionError, connectionSettings } = await import('@tessera/kernel');
  const env = options.env ?? process.env;
  const url = migrationUrl(options.url, env);
  const variable = url === options.url ? 'DATABASE_URL' : 'TESSERA_MIGRATION_URL';
  const settings = connectionSettings(env);
  const engine = await MigrationEngine.create({
    composition: await composition(config),
    url,
    settings: migrationSettings(env),
    connectRetry: {
      variable,
      settings,
      onRetry: (attempt, waitMs, error) =>
        options.notice?.(
          `tessera: ${variable} did not answer (${classifyConnectionError(error)}); ` +
            `attempt ${attempt} of ${settings.connectAttempts}, retrying in ${waitMs} ms`,
        ),
    },
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
    ...(options.client ? { client: options.client } : {}),
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
  return withEngine(config, options, async (engine) => {
    const applied = await engine.up();
    if (applied.length > 0) {
      const ms = Math.round(performance.now() - started);
      const migrations = applied.map((m) => m.name);
      await config.onMigrated?.({ direction: 'up', migrations, ms, url: options.url, connection: engine.connection });
    }
    return applied;
  });
}

/** Applied and pending migrations, per context. */
export function status(config: TesseraConfig, options: RunOptions): Promise<ContextStatus[]> {
  return withEngine(config, options, (engine) => engine.status());
}

/** The pending migrations with their SQL, without applying them. */
export function plan(config: TesseraConfig, options: RunOptions): Promise<PlannedMigration[]> {
  return withEngine(config, options, (engine) => engine.plan());
}

/** What `check` found: pending migrations, invalid indexes, entity drift and object drift. */
export interface CheckResult {
  readonly pending: readonly PlannedMigration[];
  /** Indexes left invalid by a failed concurrent build (`migrate` rebuilds them). */
  readonly invalidIndexes: readonly string[];
  /** The statements that would align the database with the entities. */
  readonly drift: readonly string[];
  /** Objects (indexes, grants, policies, partitions, views, triggers) that differ from what the migrations create. */
  readonly objects: readonly ObjectDrift[];
  /** True when nothing is pending, invalid or drifted. */
  readonly clean: boolean;
}

/**
 * Compares the database with the migrations and the entities and, once nothing is pending, with a scratch database
 * the same migrations build (on `TESSERA_DRIFT_SCRATCH_URL`, else the migration server).
 */
export async function check(config: TesseraConfig, options: RunOptions): Promise<CheckResult> {
  const { checkDrift, checkObjectDrift, migrationUrl } = await import('@tessera/migrator');
  const env = options.env ?? process.env;
  const composed = await composition(config);
  const [pending, invalidIndexes] = await withEngine(config, options, async (engine) => [
    await engine.plan(),
    (await engine.status()).flatMap((s) => s.invalidIndexes),
  ]);
  const drift = (await checkDrift(composed, options.url)).statements;
  const objects =
    pending.length === 0
      ? await checkObjectDrift(composed, options.url, {
          scratchServerUrl: env.TESSERA_DRIFT_SCRATCH_URL?.trim() || migrationUrl(options.url, env),
        })
      : [];
  const clean = pending.length === 0 && invalidIndexes.length === 0 && drift.length === 0 && objects.length === 0;
  return { pending, invalidIndexes, drift, objects, clean };
}

/** Reverts the last migration, the last `steps`, or all applied after `to` (`'0'`: all); returns their names. */
export async function down(
  config: TesseraConfig,
  options: RunOptions & { readonly to?: string; readonly steps?: number },
): Promise<string[]> {
  const started = performance.now();
  const { to, steps } = options;
  return withEngine(config, options, async (engine) => {
    const reverted = await engine.down({
      ...(to !== undefined ? { to } : {}),
      ...(steps !== undefined ? { steps } : {}),
    });
    if (reverted.length > 0) {
      const ms = Math.round(performance.now() - started);
      await config.onMigrated?.({
        direction: 'down',
        migrations: reverted,
        ms,
        url: options.url,
        connection: engine.connection,
      });
    }
    return reverted;
  });
}

/** The applied migrations, oldest first, with time, duration, checksum and context. */
export function history(config: TesseraConfig, options: RunOptions): Promise<AppliedMigration[]> {
  return withEngine(config, options, (engine) => engine.history());
}

/**
 * Records a person's verdict on a failed non-transactional migration: `applied` (migrate will not run it again) or
 * `rolled-back` (the next migrate runs it again), then calls the config's `onResolved`.
 */
export async function resolve(
  config: TesseraConfig,
  options: RunOptions & { readonly name: string; readonly resolution: 'applied' | 'rolled-back' },
): Promise<{ migration: string; context: string }> {
  return withEngine(config, options, async (engine) => {
    const result = await engine.resolve(options.name, options.resolution);
    await config.onResolved?.({
      ...result,
      resolution: options.resolution,
      url: options.url,
      connection: engine.connection,
    });
    return result;
  });
}

/**
 * Writes the migration manifest of `config`'s composition to `file`: every migration's name, context and checksum,
 * and the content hash of each migration module, so `migrate` can tell "nothing to do" without loading them (see
 * {@link CliOptions.manifest}). `load` must import the config for the first time in this process: the modules it
 * pulls in are recorded while it does. Connects to nothing.
 */
export async function writeManifest(load: () => Promise<TesseraConfig>, file: string): Promise<MigrationManifest> {
  const { registerHooks } = await import('node:module');
  const { fileURLToPath } = await import('node:url');
  const { sep } = await import('node:path');
  const { writeFile } = await import('node:fs/promises');
  const loaded = new Set<string>();
  const hooks = registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      if (result.url.startsWith('file:')) {
        const path = fileURLToPath(result.url);
        if (path.split(sep).includes('migrations')) loaded.add(path);
      }
      return result;
    },
  });
  let config: TesseraConfig;
  try {
    config = await load();
  } finally {
    hooks.deregister();
  }
  if (loaded.size === 0) {
    throw new Error('writeManifest: loading the config imported no migration module (was it imported before?)');
  }
  const { MANIFEST_FORMAT, manifestSources, migrationChecksums } = await import('@tessera/migrator');
  const composed = await composition(config);
  const manifest: MigrationManifest = {
    format: MANIFEST_FORMAT,
    schemas: [...composed.schemas],
    migrations: await migrationChecksums(composed),
    sources: await manifestSources(file, [...loaded]),
  };
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
