import type { TestDatabase } from '@tessera/testing';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** One connection to the file's test database for the scanner, opened before its tests and closed after them. */
export function useClient(db: TestDatabase): () => pg.Client {
  let client: pg.Client | undefined;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });
  return () => {
    if (!client) throw new Error('useClient: the connection is opened in beforeAll');
    return client;
  };
}
