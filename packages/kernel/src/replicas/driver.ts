import type { Configuration, ConnectionType } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { connectionSettings } from '../connection.ts';
import { sqlText, TesseraPostgreSqlDriver } from '../driver.ts';
import { isReplicaFailure, ReplicaRouter, type Target } from './router.ts';
import { currentConsistency, currentScope } from './scope.ts';
import type { ReplicaSettings } from './settings.ts';

type Connection = ReturnType<PostgreSqlDriver['getConnection']>;
type Execute = Connection['execute'];

/**
 * Statements that write nothing (reads, settings, savepoints); anything else run on the primary counts as a write
 * of the current scope. Commits are tracked separately.
 */
const READ_ONLY = /^\s*(select|show|explain|values|table|set|reset|savepoint|release|rollback)\b/i;

/**
 * A PostgreSQL driver that routes reads with a {@link ReplicaRouter}. MikroORM asks for a 'read' connection for
 * every read outside a transaction; this driver answers with a router connection that picks the server per
 * query (by the caller's consistency and scope) and falls back to the primary when a replica fails. Writes, and
 * everything inside a transaction, use the primary, and mark the caller's scope as written.
 */
export class ReplicaAwareDriver extends TesseraPostgreSqlDriver {
  /** The router, or undefined when no replica is configured. */
  readonly router: ReplicaRouter | undefined;
  readonly #routed: Connection;

  constructor(config: Configuration) {
    super(config);
    const settings = config.get('replicaSettings' as never) as ReplicaSettings | undefined;
    const primary = this.connection as Connection;
    trackWrites(primary);
    this.router =
      settings && settings.urls.length > 0
        ? new ReplicaRouter(config.get('clientUrl') as string, settings, connectionSettings())
        : undefined;
    this.#routed = this.router ? routedConnection(primary, this.replicas as Connection[], this.router) : primary;
    // MikroORM connects lazily, so sampling starts with the driver; until the first sample, reads use the primary.
    void this.router?.start();
  }

  override getConnection(type: ConnectionType = 'write'): Connection {
    return type === 'read' ? this.#routed : (this.connection as Connection);
  }

  override async connect(options?: { skipOnConnect?: boolean }) {
    await this.connection.connect(options);
    // Replica pools connect lazily; a replica that is down now is skipped by the router, not fatal.
    await Promise.all(this.replicas.map((r) => r.connect().catch(() => {})));
    return this.connection;
  }

  override async close(force?: boolean): Promise<void> {
    await this.router?.close();
    await super.close(force);
  }
}

/** Wraps the primary's execute and commit so that writes outside and inside transactions mark the scope. */
function trackWrites(primary: Connection): void {
  const execute = primary.execute.bind(primary) as Execute;
  primary.execute = (async (query: unknown, params?: unknown, method?: unknown, ctx?: unknown, log?: unknown) => {
    try {
      return await (execute as (...a: unknown[]) => Promise<unknown>)(query, params, method, ctx, log);
    } finally {
      if (!READ_ONLY.test(sqlText(query))) currentScope().noteWrite();
    }
  }) as Execute;
  const commit = primary.commit.bind(primary);
  primary.commit = async (...args: Parameters<Connection['commit']>) => {
    try {
      return await commit(...args);
    } finally {
      currentScope().noteWrite();
    }
  };
}

/** A connection object whose execute/stream choose primary or replica per call; the rest is the primary's. */
function routedConnection(primary: Connection, replicas: Connection[], router: ReplicaRouter): Connection {
  const on = (target: Target) => (target === 'primary' ? primary : (replicas[target] as Connection));
  const execute = async (...args: unknown[]) => {
    const target = await router.choose(currentConsistency(), currentScope());
    const run = (c: Connection) => (c.execute as (...a: unknown[]) => Promise<unknown>)(...args);
    if (target === 'primary') return run(primary);
    try {
      return await run(on(target));
    } catch (error) {
      if (!isReplicaFailure(error)) throw error;
      router.markFailed(target, error);
      router.primaryReads++;
      return run(primary);
    }
  };
  async function* stream(...args: unknown[]) {
    const target = await router.choose(currentConsistency(), currentScope());
    const open = (c: Connection) => (c.stream as (...a: unknown[]) => AsyncIterable<unknown>)(...args);
    if (target === 'primary') return yield* open(primary);
    let yielded = false;
    try {
      for await (const row of open(on(target))) {
        yielded = true;
        yield row;
      }
    } catch (error) {
      // Rows already handed out cannot be taken back: only a stream that failed before its first row moves over.
      if (yielded || !isReplicaFailure(error)) throw error;
      router.markFailed(target, error);
      yield* open(primary);
    }
  }
  return new Proxy(primary, {
    get(target, prop) {
      if (prop === 'execute') return execute;
      if (prop === 'stream') return stream;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
