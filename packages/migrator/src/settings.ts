import { MigrationDefinitionError } from './errors.ts';

/** How a migration run time-boxes its statements; read from the environment by {@link migrationSettings}. */
export interface MigrationSettings {
  /** `lock_timeout` of every migration statement, in ms (TESSERA_MIGRATION_LOCK_TIMEOUT, default 5s). */
  readonly lockTimeoutMs: number;
  /** How many times a statement that hit its lock_timeout is tried again (TESSERA_MIGRATION_LOCK_RETRIES, 5). */
  readonly lockRetries: number;
  /** `statement_timeout` of transactional migrations, in ms; 0 = none (TESSERA_MIGRATION_STATEMENT_TIMEOUT, 5min). */
  readonly statementTimeoutMs: number;
}

/** The defaults of {@link MigrationSettings}. */
export const DEFAULT_MIGRATION_SETTINGS: MigrationSettings = {
  lockTimeoutMs: 5_000,
  lockRetries: 5,
  statementTimeoutMs: 300_000,
};

/** A duration: `250ms`, `5s`, `2min`, or a plain number of milliseconds. */
export function parseDuration(name: string, raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*$/.exec(raw);
  if (!match) throw new MigrationDefinitionError(`${name} must be a duration like 250ms, 5s or 2min (got "${raw}")`);
  const factor = match[2] === 's' ? 1_000 : match[2] === 'min' ? 60_000 : 1;
  return Math.round(Number(match[1]) * factor);
}

/** The migration settings from TESSERA_MIGRATION_* variables, each falling back to its default. */
export function migrationSettings(env: NodeJS.ProcessEnv = process.env): MigrationSettings {
  const lockTimeout = env.TESSERA_MIGRATION_LOCK_TIMEOUT?.trim();
  const retries = env.TESSERA_MIGRATION_LOCK_RETRIES?.trim();
  const statementTimeout = env.TESSERA_MIGRATION_STATEMENT_TIMEOUT?.trim();
  const lockTimeoutMs = lockTimeout
    ? parseDuration('TESSERA_MIGRATION_LOCK_TIMEOUT', lockTimeout)
    : DEFAULT_MIGRATION_SETTINGS.lockTimeoutMs;
  if (lockTimeoutMs < 1) throw new MigrationDefinitionError('TESSERA_MIGRATION_LOCK_TIMEOUT must be at least 1ms');
  const lockRetries = retries ? Number(retries) : DEFAULT_MIGRATION_SETTINGS.lockRetries;
  if (!Number.isInteger(lockRetries) || lockRetries < 0 || lockRetries > 100) {
    throw new MigrationDefinitionError(
      `TESSERA_MIGRATION_LOCK_RETRIES must be an integer from 0 to 100 (got "${retries}")`,
    );
  }
  return {
    lockTimeoutMs,
    lockRetries,
    statementTimeoutMs: statementTimeout
      ? parseDuration('TESSERA_MIGRATION_STATEMENT_TIMEOUT', statementTimeout)
      : DEFAULT_MIGRATION_SETTINGS.statementTimeoutMs,
  };
}

/** The URL migrations run through: TESSERA_MIGRATION_URL (direct or session-mode) when set, else `databaseUrl`. */
export function migrationUrl(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.TESSERA_MIGRATION_URL?.trim() || databaseUrl;
}
