import type { LogContext, Logger, LoggerNamespace, Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import {
  classifyConnectionError,
  DatabaseConnectionError,
  parseDatabaseUrl,
  TRANSIENT_FAILURES,
} from './database-url.ts';
import { TesseraError } from './errors.ts';

/**
 * How every Tessera process connects: pool sizes, timeouts and retries. Read from the environment by
 * {@link connectionSettings}; each field documents its variable and default.
 */
export interface ConnectionSettings {
  /** Connections kept open for reuse (`TESSERA_DB_POOL_SIZE`, default 10, SQLAlchemy's `pool_size`). */
  readonly poolSize: number;
  /** Extra connections opened under load and closed once idle (`TESSERA_DB_MAX_OVERFLOW`, default 20). */
  readonly maxOverflow: number;
  /** How long an overflow connection may sit idle before it is closed (`TESSERA_DB_IDLE_TIMEOUT_MS`, 10000). */
  readonly idleTimeoutMs: number;
  /** Connections are replaced after this age, like `pool_recycle` (`TESSERA_DB_MAX_LIFETIME_S`, 1800). */
  readonly maxLifetimeSeconds: number;
  /** Give up opening one connection after this long (`TESSERA_DB_CONNECT_TIMEOUT_MS`, 5000). */
  readonly connectTimeoutMs: number;
  /** Queries taking at least this long are logged as slow (`TESSERA_SLOW_QUERY_MS`, 500; 0 logs every query). */
  readonly slowQueryMs: number;
  /** Attempts to reach a server that is not up yet at start (`TESSERA_DB_CONNECT_ATTEMPTS`, 6). */
  readonly connectAttempts: number;
  /** The first wait between attempts; it doubles up to 5 s (`TESSERA_DB_CONNECT_BACKOFF_MS`, 250). */
  readonly connectBackoffMs: number;
}

/** The defaults: the seeds' pool (10 + 20 overflow, so at most 30 per process) and a 500 ms slow-query threshold. */
export const DEFAULT_CONNECTION_SETTINGS: ConnectionSettings = {
  poolSize: 10,
  maxOverflow: 20,
  idleTimeoutMs: 10_000,
  maxLifetimeSeconds: 1_800,
  connectTimeoutMs: 5_000,
  slowQueryMs: 500,
  connectAttempts: 6,
  connectBackoffMs: 250,
};

const VARIABLES: Record<keyof ConnectionSettings, string> = {
  poolSize: 'TESSERA_DB_POOL_SIZE',
  maxOverflow: 'TESSERA_DB_MAX_OVERFLOW',
  idleTimeoutMs: 'TESSERA_DB_IDLE_TIMEOUT_MS',
  maxLifetimeSeconds: 'TESSERA_DB_MAX_LIFETIME_S',
  connectTimeoutMs: 'TESSERA_DB_CONNECT_TIMEOUT_MS',
  slowQueryMs: 'TESSERA_SLOW_QUERY_MS',
  connectAttempts: 'TESSERA_DB_CONNECT_ATTEMPTS',
  connectBackoffMs: 'TESSERA_DB_CONNECT_BACKOFF_MS',
};

/** A connection setting in the environment that is not a usable number; names the variable. */
export class InvalidSettingError extends TesseraError {
  readonly variable: string;
  constructor(variable: string, value: string, problem: string) {
    super('INVALID_SETTING', `${variable} ${problem} (got "${value}")`);
    this.variable = variable;
  }
}

/** Reads the settings from `env` over the defaults; a bad value throws {@link InvalidSettingError}. */
export function connectionSettings(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const settings: Record<string, number> = { ...DEFAULT_CONNECTION_SETTINGS };
  for (const [key, variable] of Object.entries(VARIABLES)) {
    const raw = env[variable]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    const positive = key === 'poolSize' || key === 'connectAttempts';
    if (!Number.isInteger(value) || value < (positive ? 1 : 0)) {
      throw new InvalidSettingError(variable, raw, `must be a ${positive ? 'positive' : 'non-negative'} integer`);
    }
    settings[key] = value;
  }
  return settings as unknown as ConnectionSettings;
}

/**
 * SQL safe to log: string, dollar-quoted and numeric literals become `?`, so values inlined into the text never
 * reach a log, and the result is cut to `max` characters. An escape string (`E'x\\'y'`) ends only at a quote no
 * backslash escapes; whatever follows a quote left unclosed is dropped.
 */
export function redactSql(sql: string, max = 300): string {
  const redacted = sql
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '?')
    .replace(/(?<![\w$])[Ee]'(?:[^'\\]|\\[\s\S]|'')*'/g, '?')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/'[\s\S]*$/, '?')
    .replace(/(?<![\w$."])-?\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b(?!["\w])/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
  return redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
}

/**
 * The logger MikroORM hands slow queries to: one line per query with its time and redacted, truncated SQL.
 * Parameter values are never written, whatever the context carries.
 */
export class SlowQueryLogger implements Logger {
  readonly #write: (line: string) => void;
  constructor(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    this.#write = write;
  }
  logQuery(context: LogContext): void {
    if (context.query === undefined) return;
    const status = context.level === 'error' ? ' (failed)' : '';
    this.#write(`[tessera] slow query${status} ${context.took ?? '?'} ms: ${redactSql(context.query)}`);
  }
  log(): void {}
  error(): void {}
  warn(): void {}
  setDebugMode(): void {}
  isEnabled(_namespace: LoggerNamespace): boolean {
    return true;
  }
}

/** MikroORM options for `settings`: pool bounds, connection validation and recycling, slow-query logging. */
export function connectionOptions(
  settings: ConnectionSettings = connectionSettings(),
  writeSlowQuery?: (line: string) => void,
): Partial<Options> {
  return {
    // pg-pool keeps `min` connections however long they idle, and closes the ones above it (the overflow)
    // after idleTimeoutMillis: SQLAlchemy's pool_size + max_overflow.
    pool: {
      min: settings.poolSize,
      max: settings.poolSize + settings.maxOverflow,
      idleTimeoutMillis: settings.idleTimeoutMs,
    },
    // Validation: TCP keep-alive finds dead peers, pg-pool drops idle clients whose connection errored, and
    // connections are recycled after maxLifetimeSeconds (a proxy or firewall may cut older ones silently).
    driverOptions: {
      keepAlive: true,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      maxLifetimeSeconds: settings.maxLifetimeSeconds,
    },
    slowQueryThreshold: settings.slowQueryMs,
    slowQueryLoggerFactory: () => new SlowQueryLogger(writeSlowQuery),
  };
}

/** The server did not answer within the bounded retries; {@link DatabaseConnectionError.kind} says how it failed. */
export class DatabaseUnavailableError extends DatabaseConnectionError {
  constructor(attempts: number, cause: unknown, url: string, variable = 'the database URL') {
    const kind = classifyConnectionError(cause);
    super(
      kind,
      variable,
      url,
      cause,
      ` (the database did not answer after ${attempts} attempt(s))`,
      'DATABASE_UNAVAILABLE',
    );
  }
}

/** Where the URL came from, for messages: e.g. `DATABASE_URL` (default "the database URL"). */
export interface WaitOptions {
  readonly variable?: string;
}

/**
 * Waits for the server at `url` to accept a connection and answer `select 1`, retrying a bounded number of times
 * with doubling backoff (capped at 5 s) while it is starting; errors that retrying cannot fix (bad password,
 * missing database) are thrown at once. A URL that is malformed or not PostgreSQL's is refused before any
 * connection ({@link InvalidDatabaseUrlError}); a failure is a {@link DatabaseConnectionError} naming what failed.
 * Returns the server's version.
 */
export async function waitForDatabase(
  url: string,
  settings: ConnectionSettings = connectionSettings(),
  onRetry: (attempt: number, waitMs: number, error: unknown) => void = () => {},
  options: WaitOptions = {},
): Promise<string> {
  return connectWithRetry(
    url,
    async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: settings.connectTimeoutMs });
      client.on('error', () => {});
      try {
        await client.connect();
        const { rows } = await client.query<{ v: string }>(`select current_setting('server_version') as v`);
        return String(rows[0]?.v);
      } finally {
        await client.end().catch(() => {});
      }
    },
    settings,
    onRetry,
    options,
  );
}

/**
 * Runs `connect` (which opens a connection to `url` and returns it, or what it learned) with the bounded backoff of
 * {@link waitForDatabase}: transient failures (refused, timed out, starting up) are retried, others thrown at once
 * as a {@link DatabaseConnectionError}. For a caller that keeps its connection, so waiting costs no extra one.
 */
export async function connectWithRetry<T>(
  url: string,
  connect: () => Promise<T>,
  settings: ConnectionSettings = connectionSettings(),
  onRetry: (attempt: number, waitMs: number, error: unknown) => void = () => {},
  options: WaitOptions = {},
): Promise<T> {
  const variable = options.variable ?? 'the database URL';
  parseDatabaseUrl(url, variable);
  let wait = settings.connectBackoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      const kind = classifyConnectionError(error);
      if (!TRANSIENT_FAILURES.has(kind)) throw new DatabaseConnectionError(kind, variable, url, error);
      if (attempt >= settings.connectAttempts) throw new DatabaseUnavailableError(attempt, error, url, variable);
      onRetry(attempt, wait, error);
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 5_000);
    }
  }
}
