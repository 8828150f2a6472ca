import type { ContextModule } from '@tessera/kernel';
import type { MigrationEngine } from '@tessera/migrator';

/** The run's own connection, for a hook that writes (so a migrate uses one connection, its audit event included). */
export type RunConnection = MigrationEngine['connection'];

/** A database to use when `DATABASE_URL` is unset (for example an embedded server); released after the command. */
export interface DatabaseHandle {
  readonly url: string;
  release(): Promise<void>;
}

/** What a `migrate` or `down` run changed, for a hook (an audit trail, metrics). */
export interface MigratedEvent {
  readonly direction: 'up' | 'down';
  readonly migrations: readonly string[];
  readonly ms: number;
  readonly url: string;
  /** The run's connection, still open while the hook runs. */
  readonly connection: RunConnection;
}

/** A person's verdict on a failed non-transactional migration, recorded by `resolve`. */
export interface ResolvedEvent {
  readonly migration: string;
  readonly context: string;
  readonly resolution: 'applied' | 'rolled-back';
  readonly url: string;
  /** The run's connection, still open while the hook runs. */
  readonly connection: RunConnection;
}

/** A service's composition: the contexts it migrates, and optional hooks. */
export interface TesseraConfig {
  /** The contexts this service uses; their dependencies come along (catalog brings nas). */
  readonly contexts: readonly ContextModule[];
  /** Fail unless every dependency is listed in `contexts` too, so adding one is a visible change. */
  readonly closed?: boolean;
  /** Where to connect when `DATABASE_URL` is unset; without it, the CLI requires `DATABASE_URL`. */
  readonly database?: (log: (line: string) => void) => Promise<DatabaseHandle>;
  /** Called after `migrate` or `down` changed the database. */
  readonly onMigrated?: (event: MigratedEvent) => Promise<void> | void;
  /** Called after `resolve` recorded a verdict (for an audit trail). */
  readonly onResolved?: (event: ResolvedEvent) => Promise<void> | void;
}

/** Declares a `tessera.config.ts` (typed identity function, like `defineConfig` of vite or MikroORM). */
export function defineConfig(config: TesseraConfig): TesseraConfig {
  return config;
}
