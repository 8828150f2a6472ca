import { describe, expect, it } from 'vitest';
import {
  classifyConnectionError,
  DatabaseConnectionError,
  InvalidDatabaseUrlError,
  maskDatabaseUrl,
  parseDatabaseUrl,
  waitForDatabase,
} from '../src/index.ts';

describe('database URLs', () => {
  it('masks the password, also in text that is not a URL', () => {
    expect(maskDatabaseUrl('postgresql://app:s3cret@db:5432/tessera?sslmode=require')).toBe(
      'postgresql://app:***@db:5432/tessera?sslmode=require',
    );
    expect(maskDatabaseUrl('postgresql://app@db/tessera')).toBe('postgresql://app@db/tessera');
    expect(maskDatabaseUrl('postgres://app:p@ss word@db/x')).not.toContain('ss word');
  });

  it('accepts postgresql:// and postgres://, refuses other schemes and non-URLs with a typed error', () => {
    expect(parseDatabaseUrl('postgres://app@db/x').hostname).toBe('db');
    expect(parseDatabaseUrl('postgresql://app@db/x').pathname).toBe('/x');
    const mysql = (() => {
      try {
        parseDatabaseUrl('mysql://root:pw@db/app', 'DATABASE_URL');
      } catch (error) {
        return error;
      }
    })();
    expect(mysql).toBeInstanceOf(InvalidDatabaseUrlError);
    expect((mysql as InvalidDatabaseUrlError).variable).toBe('DATABASE_URL');
    expect((mysql as Error).message).toBe(
      'DATABASE_URL uses the unsupported scheme "mysql": Tessera needs a postgresql:// URL (got "mysql://root:***@db/app")',
    );
    expect(() => parseDatabaseUrl('not-a-url')).toThrow('the database URL is not a URL');
    expect(() => parseDatabaseUrl('', 'DATABASE_URL')).toThrow('DATABASE_URL is empty');
  });

  it('waitForDatabase refuses an unsupported URL before connecting', async () => {
    await expect(waitForDatabase('mysql://root@127.0.0.1:1/app')).rejects.toBeInstanceOf(InvalidDatabaseUrlError);
  });

  it('classifies socket errors and SQLSTATEs', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    expect(classifyConnectionError(coded('ECONNREFUSED'))).toBe('refused');
    expect(classifyConnectionError(coded('28P01'))).toBe('authentication');
    expect(classifyConnectionError(coded('28000'))).toBe('authentication');
    expect(classifyConnectionError(coded('3D000'))).toBe('unknown-database');
    expect(classifyConnectionError(coded('ENOTFOUND'))).toBe('host-not-found');
    expect(classifyConnectionError(new Error('Connection terminated due to connection timeout expired'))).toBe(
      'timeout',
    );
    expect(classifyConnectionError(new Error('something else'))).toBe('other');
    const error = new DatabaseConnectionError(
      'refused',
      'DATABASE_URL',
      'postgresql://a:b@h:1/d',
      coded('ECONNREFUSED'),
    );
    expect(error.code).toBe('CONNECTION_REFUSED');
    expect(error.message).toBe(
      'cannot connect to DATABASE_URL (postgresql://a:***@h:1/d): connection refused: nothing accepts connections at h:1',
    );
  });

  it.each([
    ['authentication', 'AUTHENTICATION_FAILED', 'authentication failed for user "app": bad password'],
    ['unknown-database', 'UNKNOWN_DATABASE', 'database "d" does not exist on h:1'],
    ['host-not-found', 'HOST_NOT_FOUND', 'host "h" not found'],
    ['timeout', 'CONNECTION_TIMEOUT', 'no answer from h:1 in time'],
    ['server-starting', 'SERVER_STARTING', 'the server at h:1 is starting up'],
    ['too-many-connections', 'TOO_MANY_CONNECTIONS', 'the server at h:1 has too many connections'],
    ['other', 'CONNECTION_FAILED', 'bad password'],
  ] as const)('a %s failure is %s and says so', (kind, code, detail) => {
    const error = new DatabaseConnectionError(
      kind,
      'DATABASE_URL',
      'postgresql://app:pw@h:1/d',
      new Error('bad password'),
    );
    expect(error.code).toBe(code);
    expect(error.message).toBe(`cannot connect to DATABASE_URL (postgresql://app:***@h:1/d): ${detail}`);
  });
});
