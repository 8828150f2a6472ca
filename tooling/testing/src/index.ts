import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { type Composition, type ContextModule, composeContexts, createOrm, currentScope } from '@tessera/kernel';
import { MigrationEngine } from '@tessera/migrator';
import {
  cloneDatabase,
  ensureTemplate,
  testAdminUrl,
  testPoolerUrl,
  testReplicaUrl,
  waitForTestReplica,
} from '@tessera/test-server';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** A migrated database of its own for one test file. */
export interface TestDatabase {
  /** The ORM for the composed contexts, connected to this file's database (through the test pooler, if any). */
  readonly orm: MikroORM;
  /** A fresh EntityManager (own identity map) for one test step. */
  em(): EntityManager;
  /** The database's connection URL (for child processes, raw `pg`, the CLI). */
  readonly url: string;
  /** Runs raw SQL through `pg` and returns the rows: for asserting what is really stored. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  readonly composition: Composition;
  /** The same database on this run's streaming replica (`TESSERA_TEST_REPLICA=1`), which the ORM reads from. */
  readonly replicaUrl: string | undefined;
}

/**
 * A key that changes whenever the composition's migrations change, so a cached template is rebuilt exactly
 * when it would no longer match.
 */
export function templateKey(composition: Composition): string {
  const hash = createHash('sha256');
  for (const m of composition.migrations) hash.update(`${m.context}\0${m.name}\0${String(m.class)}\0`);
  return hash.digest('hex').slice(0, 16);
}

/** Migrates a database at `url` with the real composed migrations (what production runs). */
export async function migrateDatabase(composition: Composition, url: string): Promise<void> {
  const engine = await MigrationEngine.create({ composition, url });
  try {
    await engine.up();
  } finally {
    await engine.close();
  }
}

/**
 * Creates a database for the given contexts and their dependencies: the first call migrates a template
 * once (per set of migrations), every call clones it. Use {@link useTestDatabase} in test files.
 */
export async function createTestDatabase(contexts: readonly ContextModule[]) {
  const composition = composeContexts(contexts);
  const admin = testAdminUrl();
  const template = await ensureTemplate(admin, templateKey(composition), (url) => migrateDatabase(composition, url));
  const db = await cloneDatabase(admin, template);
  return { composition, ...db };
}

/**
 * The one line a context package's test file needs: a real PostgreSQL database, migrated for these
 * contexts and their dependencies, fresh for this file and dropped after it.
 */
export function useTestDatabase(...contexts: ContextModule[]): TestDatabase {
  let orm: MikroORM | undefined;
  let pool: pg.Pool | undefined;
  let created: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the test database is not ready: use it inside tests or hooks');
    return value;
  };

  beforeAll(async () => {
    created = await createTestDatabase(contexts);
    // With a test replica the ORM reads from it (once it has the new database); otherwise no replica at all,
    // whatever TESSERA_READ_REPLICA_URLS says in the developer's shell.
    const replicaUrl = testReplicaUrl(created.url);
    if (replicaUrl) await waitForTestReplica(created.url);
    const urls = replicaUrl ? [replicaUrl] : [];
    // With a test pooler (TESSERA_TEST_POOLER=pgbouncer) the ORM goes through PgBouncer in transaction mode.
    orm = await createOrm(created.composition, testPoolerUrl(created.url) ?? created.url, {
      replicaSettings: { urls, maxLagMs: 1_000, checkIntervalMs: 50 },
    });
    pool = new pg.Pool({ connectionString: created.url, max: 3 });
    // Dropping the database (WITH FORCE) terminates sessions that are still closing; that is expected.
    pool.on('error', () => {});
  });

  afterAll(async () => {
    await orm?.close(true);
    await pool?.end();
    await created?.drop();
  });

  return {
    get orm() {
      return need(orm);
    },
    em: () => need(orm).em.fork(),
    get url() {
      return need(created).url;
    },
    get composition() {
      return need(created).composition;
    },
    get replicaUrl() {
      return testReplicaUrl(need(created).url);
    },
    query: async <T extends Record<string, unknown>>(sql: string, params?: unknown[]) => {
      try {
        return (await need(pool).query(sql, params)).rows as T[];
      } finally {
        // The test's own raw writes count as writes of the (process-wide) scope: later read-your-writes reads
        // through the ORM then wait for them like for the ORM's writes.
        currentScope().noteWrite();
      }
    },
  };
}
export { type ReplicatedServer, startReplicatedServer } from '@tessera/test-server';
export { type BadInputCase, itRefusesBadInput, tableChecksums } from './bad-input.ts';
export { describeSchemaConformance } from './conformance.ts';
