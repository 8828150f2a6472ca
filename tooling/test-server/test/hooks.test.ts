import { describe, expect, test } from 'vitest';
import { useEmptyDatabase } from '../src/index.ts';
import { databaseExists, testAdminUrl } from './helpers.ts';

const blockDatabases: string[] = [];
const nameOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

describe('useEmptyDatabase for a block', () => {
  const set: string[] = [];
  const db = useEmptyDatabase({
    setup: async (url) => {
      set.push(url);
    },
  });

  test('gives a database that setup ran on and queries reach', async () => {
    expect(set).toEqual([db.url]);
    expect(await db.query('select current_database() as name')).toEqual([{ name: nameOf(db.url) }]);
    blockDatabases.push(db.url);
  });

  test('gives the same database to every test of the block', () => {
    expect(db.url).toBe(blockDatabases[0]);
  });
});

describe('after a block that used useEmptyDatabase', () => {
  test('its database is dropped', async () => {
    expect(blockDatabases).toHaveLength(1);
    expect(await databaseExists(testAdminUrl(), nameOf(blockDatabases[0] ?? ''))).toBe(false);
  });
});

describe('useEmptyDatabase for each test', () => {
  const db = useEmptyDatabase({ each: true });
  const seen: string[] = [];

  test('gives one database to the first test', () => {
    seen.push(db.url);
  });

  test('gives another to the next, the first one dropped', async () => {
    expect(db.url).not.toBe(seen[0]);
    expect(await databaseExists(testAdminUrl(), nameOf(seen[0] ?? ''))).toBe(false);
  });
});

describe('useEmptyDatabase outside tests and hooks', () => {
  const db = useEmptyDatabase();
  const outside = (() => {
    try {
      return db.url;
    } catch (error) {
      return (error as Error).message;
    }
  })();

  test('says the database is ready only inside tests and hooks', () => {
    expect(outside).toBe('the database is ready only inside tests and hooks');
  });
});
