import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { databaseUrl } from '../src/index.ts';
import { dropIfExists, query, testAdminUrl } from './helpers.ts';

describe('databaseUrl', () => {
  test('swaps only the database and keeps host, port, user, password and parameters', () => {
    expect(databaseUrl('postgresql://postgres@127.0.0.1:5432/postgres', 'tessera_t_1_2_abcd')).toBe(
      'postgresql://postgres@127.0.0.1:5432/tessera_t_1_2_abcd',
    );
    expect(databaseUrl('postgres://app:p%40ss@db.example:6543/app?sslmode=require', 'other')).toBe(
      'postgres://app:p%40ss@db.example:6543/other?sslmode=require',
    );
    expect(databaseUrl('postgresql://postgres@localhost:5433', 'x')).toBe('postgresql://postgres@localhost:5433/x');
  });

  test('connects to the named database as the same user on the same server', async () => {
    const adminUrl = testAdminUrl();
    const name = `tessera_t_${process.pid}_0_${randomBytes(2).toString('hex')}`;
    await query(adminUrl, `CREATE DATABASE "${name}"`);
    try {
      const [admin] = await query(adminUrl, 'SELECT current_user AS who, inet_server_port() AS port');
      const [there] = await query(
        databaseUrl(adminUrl, name),
        'SELECT current_database() AS db, current_user AS who, inet_server_port() AS port',
      );
      expect(there).toEqual({ db: name, who: admin?.who, port: admin?.port });
    } finally {
      await dropIfExists(adminUrl, name);
    }
  });
});
