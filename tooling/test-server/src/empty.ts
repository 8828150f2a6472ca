import pg from 'pg';
import { cloneDatabase, ensureTemplate } from './templates.ts';

/** A fresh empty database on the test server, with a raw `pg` pool for assertions. */
export interface EmptyDatabase {
  readonly url: string;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** The admin URL the vitest global setup published for this run. */
export function testAdminUrl(): string {
  const url = process.env.TESSERA_TEST_ADMIN_URL;
  if (!url)
    throw new Error(
      'TESSERA_TEST_ADMIN_URL is not set: add tessera() from @tessera/testing/vitest to the plugins of your vitest config',
    );
  return url;
}

/**
 * A fresh, empty database (cloned from an empty template), for tests of the migration machinery itself,
 * which must start from nothing rather than from a migrated template.
 */
export async function emptyDatabase(): Promise<EmptyDatabase> {
  const admin = testAdminUrl();
  const db = await cloneDatabase(admin, await ensureTemplate(admin, 'empty', async () => {}));
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // Dropping the database (WITH FORCE) terminates sessions that are still closing; that is expected.
  pool.on('error', () => {});
  return {
    url: db.url,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async drop() {
      await pool.end();
      await db.drop();
    },
  };
}
