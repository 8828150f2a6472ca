import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { connectionOptions } from './connection.ts';
import { type ContextModule, type MigrationEntry, orderContexts } from './context.ts';
import { guardJsonColumns } from './driver.ts';
import { TesseraEntityManager } from './entity-manager.ts';
import { TesseraNamingStrategy } from './naming.ts';
import { ReplicaAwareDriver } from './replicas/driver.ts';
import { type ReplicaSettings, replicaSettings } from './replicas/settings.ts';
import { ValidationSubscriber } from './validation.ts';

/** The result of composing a set of contexts: the ordered contexts, their entities and migrations. */
export interface Composition {
  /** Dependencies first; ties by name. */
  readonly contexts: readonly ContextModule[];
  readonly entities: readonly ContextModule['entities'][number][];
  /** Every migration of every composed context, with the context that owns it. */
  readonly migrations: readonly (MigrationEntry & { readonly context: string })[];
  /** The schemas (one per context). */
  readonly schemas: readonly string[];
}

/**
 * Composes contexts: adds their dependencies, orders them topologically (failing on a cycle or a missing
 * dependency), and collects entities and migrations for exactly that set.
 */
export function composeContexts(contexts: readonly ContextModule[], options: { closed?: boolean } = {}): Composition {
  const ordered = orderContexts(contexts, options);
  return {
    contexts: ordered,
    entities: ordered.flatMap((c) => c.entities),
    migrations: ordered.flatMap((c) => c.migrations.map((m) => ({ ...m, context: c.name }))),
    schemas: ordered.map((c) => c.name),
  };
}

/** Overrides of {@link ormOptions}: MikroORM's own, and the read replicas (default: from the environment). */
export type OrmOverrides = Partial<Options> & { replicaSettings?: ReplicaSettings };

/**
 * The MikroORM options every Tessera ORM uses, for a composition and a connection URL. Read replicas
 * (`TESSERA_READ_REPLICA_URLS`) get the same pool settings as the primary; a replica URL without a database
 * name uses the primary's.
 */
export function ormOptions(composition: Composition, clientUrl: string, options: OrmOverrides = {}): Options {
  const { replicaSettings: given, ...overrides } = options;
  const replicas = given ?? replicaSettings();
  const database = new URL(clientUrl).pathname;
  const urls = replicas.urls.map((url) => {
    const u = new URL(url);
    if (u.pathname === '' || u.pathname === '/') u.pathname = database;
    return u.toString();
  });
  // Read by ReplicaAwareDriver from its configuration (not a MikroORM option, hence the spread).
  const routing = { replicaSettings: { ...replicas, urls } };
  return {
    clientUrl,
    // Routes reads to replicas by consistency (replicas/driver.ts); built on TesseraPostgreSqlDriver, which refuses
    // non-finite numbers and never lets a value become SQL text (driver.ts).
    driver: ReplicaAwareDriver,
    replicas: urls.map((url, i) => ({ name: `replica-${i + 1}`, clientUrl: url })),
    ...routing,
    // Validates native inserts and updates, which skip the flush subscriber (entity-manager.ts).
    entityManager: TesseraEntityManager,
    // Names the entity and field of a JSON value that cannot be stored, before MikroORM serializes it.
    discovery: { afterDiscovered: guardJsonColumns },
    entities: [...composition.entities],
    namingStrategy: TesseraNamingStrategy,
    subscribers: [new ValidationSubscriber()],
    // Schemas are created by the migrations; the ORM never creates a database outside tests.
    ensureDatabase: false,
    allowGlobalContext: false,
    debug: false,
    // Pool bounds, connection validation and slow-query logging from the environment (connection.ts).
    ...connectionOptions(),
    ...overrides,
  };
}

/** Creates (and connects) a MikroORM instance for a composition. */
export async function createOrm(composition: Composition, clientUrl: string, overrides: OrmOverrides = {}) {
  return MikroORM.init(ormOptions(composition, clientUrl, overrides));
}
