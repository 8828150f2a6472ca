import { describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATION_SETTINGS, migrationSettings, migrationUrl } from '../src/index.ts';

describe('migration settings from the environment', () => {
  it('defaults to a few seconds of lock_timeout, bounded retries and a statement_timeout', () => {
    expect(migrationSettings({})).toEqual(DEFAULT_MIGRATION_SETTINGS);
    expect(DEFAULT_MIGRATION_SETTINGS.lockTimeoutMs).toBe(5_000);
  });

  it('reads durations with units and plain milliseconds', () => {
    expect(
      migrationSettings({
        TESSERA_MIGRATION_LOCK_TIMEOUT: '2s',
        TESSERA_MIGRATION_LOCK_RETRIES: '0',
        TESSERA_MIGRATION_STATEMENT_TIMEOUT: '2min',
      }),
    ).toEqual({ lockTimeoutMs: 2_000, lockRetries: 0, statementTimeoutMs: 120_000 });
    expect(migrationSettings({ TESSERA_MIGRATION_LOCK_TIMEOUT: '250' }).lockTimeoutMs).toBe(250);
  });

  it('names the variable that is wrong', () => {
    expect(() => migrationSettings({ TESSERA_MIGRATION_LOCK_TIMEOUT: 'soon' })).toThrow(
      /TESSERA_MIGRATION_LOCK_TIMEOUT must be a duration/,
    );
    expect(() => migrationSettings({ TESSERA_MIGRATION_LOCK_TIMEOUT: '0' })).toThrow(/at least 1ms/);
    expect(() => migrationSettings({ TESSERA_MIGRATION_LOCK_RETRIES: '-1' })).toThrow(/TESSERA_MIGRATION_LOCK_RETRIES/);
  });

  it('migrates through TESSERA_MIGRATION_URL when it is set', () => {
    expect(migrationUrl('postgresql://pooler/db', {})).toBe('postgresql://pooler/db');
    expect(migrationUrl('postgresql://pooler/db', { TESSERA_MIGRATION_URL: 'postgresql://direct/db' })).toBe(
      'postgresql://direct/db',
    );
  });
});
