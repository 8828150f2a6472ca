import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type EmptyDatabase, emptyDatabase } from './empty.ts';

/** A database that test hooks create and drop: its URL and raw queries, ready inside tests and hooks. */
export type HookedDatabase = Omit<EmptyDatabase, 'drop'>;

/** When {@link useEmptyDatabase} creates the database, and what it does to it first. */
export interface HookedDatabaseOptions {
  /** A fresh database for every test instead of one for all the tests of the calling block or file. */
  readonly each?: boolean;
  /** Runs on the new database before the tests see it (e.g. migrates it). */
  readonly setup?: (url: string) => Promise<void>;
}

/**
 * An empty database for the calling `describe` block or file: created before its tests (before each test with
 * `each`), passed to `setup`, and dropped after them. Its `url` and `query` throw outside tests and hooks.
 */
export function useEmptyDatabase(options: HookedDatabaseOptions = {}): HookedDatabase {
  let db: EmptyDatabase | undefined;
  const current = (): EmptyDatabase => {
    if (!db) throw new Error('the database is ready only inside tests and hooks');
    return db;
  };
  (options.each ? beforeEach : beforeAll)(async () => {
    db = await emptyDatabase();
    await options.setup?.(db.url);
  });
  (options.each ? afterEach : afterAll)(async () => {
    await db?.drop();
    db = undefined;
  });
  return {
    get url() {
      return current().url;
    },
    query: (sql, params) => current().query(sql, params),
  };
}
