import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { ReplicaAwareDriver } from './driver.ts';
import { isReplicaFailure, type ReplicaRouter } from './router.ts';
import {
  type Consistency,
  currentConsistency,
  currentScope,
  withConsistency,
  withDefaultConsistency,
} from './scope.ts';

/**
 * A repository's declaration: the consistency each read method defaults to, and its write methods (which read on
 * the primary and mark the scope as written when they finish). Every public method is one or the other.
 */
export interface RepositoryConsistency<T> {
  readonly reads: Partial<Record<keyof T & string, Consistency>>;
  readonly writes: readonly (keyof T & string)[];
  /** TypeScript-private helpers (still on the prototype at run time): called only by the methods above. */
  readonly internal?: readonly string[];
}

type AnyClass = abstract new (...args: never[]) => unknown;
const declared = new Map<AnyClass, RepositoryConsistency<unknown>>();

/**
 * Declares a repository class's consistency and wraps its methods accordingly: a read runs at its default unless
 * the caller chose one (`withConsistency`), a write runs its own reads on the primary. Call once, next to the class.
 */
export function declareConsistency<T>(
  repository: abstract new (...args: never[]) => T,
  declaration: RepositoryConsistency<T>,
): void {
  const proto = repository.prototype as Record<string, unknown>;
  const wrap = (name: string, around: (fn: () => Promise<unknown>) => Promise<unknown>) => {
    const method = proto[name];
    if (typeof method !== 'function') throw new TypeError(`${repository.name}.${name} is not a method`);
    proto[name] = function (this: unknown, ...args: unknown[]) {
      // Without replicas every statement goes to the primary: no consistency to choose, no write to note, and the
      // call skips the async-context frame (a measurable share of a one-row lookup).
      const em = entityManagerOf(this);
      if (em !== undefined && routerOf(em) === undefined) return method.apply(this, args);
      return around(() => method.apply(this, args));
    };
  };
  for (const [name, consistency] of Object.entries(declaration.reads) as [string, Consistency][]) {
    wrap(name, (fn) => withDefaultConsistency(consistency, fn));
  }
  for (const name of declaration.writes) {
    // Always the primary, whatever the caller chose: a uniqueness or existence check on a lagging copy is wrong.
    wrap(name, (fn) =>
      withConsistency('primary', async () => {
        try {
          return await fn();
        } finally {
          // Covers writes that bypass the ORM's connection (raw pool, Kysely): the scope's next read waits for them.
          currentScope().noteWrite();
        }
      }),
    );
  }
  declared.set(repository, declaration as RepositoryConsistency<unknown>);
}

/** The EntityManager a repository works with: `em`, or `callerEm` (the row-level security repositories). */
function entityManagerOf(repository: unknown): Pick<EntityManager, 'getDriver'> | undefined {
  const { em, callerEm } = (repository ?? {}) as { em?: unknown; callerEm?: unknown };
  const found = (em ?? callerEm) as Partial<Pick<EntityManager, 'getDriver'>> | undefined;
  return typeof found?.getDriver === 'function' ? (found as Pick<EntityManager, 'getDriver'>) : undefined;
}

/** What {@link declareConsistency} recorded for a class, or undefined. */
export function consistencyOf(repository: AnyClass): RepositoryConsistency<unknown> | undefined {
  return declared.get(repository);
}

/** The replica router of an ORM's EntityManager, or undefined when no replica is configured. */
export function routerOf(em: Pick<EntityManager, 'getDriver'>): ReplicaRouter | undefined {
  const driver = em.getDriver();
  return driver instanceof ReplicaAwareDriver ? driver.router : undefined;
}

/** Something to run one read statement on; `query` answers like `pg.Pool#query`. */
export interface ReadQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * The seam for reads that bypass the ORM's query builder (raw SQL on the driver's pool): a queryable that sends
 * each statement to the server the router picks for `consistency` in the caller's scope (primary, or a replica),
 * and re-runs it on the primary when the replica fails. Inside a transaction, or with no replica, it is the
 * primary's pool. Statements must only read.
 */
export async function readConnection(em: EntityManager, consistency?: Consistency): Promise<ReadQueryable> {
  const driver = em.getDriver();
  const primary = (await driver.getConnection('write').getNativeClient()) as pg.Pool;
  const router = routerOf(em);
  if (!router || em.isInTransaction()) return primary;
  const replicas = (driver as unknown as { replicas: { getNativeClient(): Promise<unknown> }[] }).replicas;
  return {
    async query<R extends pg.QueryResultRow>(text: string, params?: unknown[]) {
      const target = await router.choose(consistency ?? currentConsistency(), currentScope());
      if (target === 'primary') return primary.query<R>(text, params);
      try {
        const pool = (await replicas[target]?.getNativeClient()) as pg.Pool;
        return await pool.query<R>(text, params);
      } catch (error) {
        if (!isReplicaFailure(error)) throw error;
        router.markFailed(target, error);
        router.primaryReads++;
        return primary.query<R>(text, params);
      }
    },
  };
}
