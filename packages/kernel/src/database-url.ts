import { TesseraError } from './errors.ts';

/** URL schemes that name a PostgreSQL server. */
export const POSTGRES_SCHEMES: readonly string[] = ['postgresql:', 'postgres:'];

/** `url` with its password replaced by `***`, safe for messages and logs; works on unparsable text too. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL: still hide anything between "user:" and "@" that looks like a password.
    return url.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@');
  }
}

/** A database URL that is malformed or names something other than PostgreSQL; nothing was connected to. */
export class InvalidDatabaseUrlError extends TesseraError {
  /** Where the URL came from, e.g. `DATABASE_URL`. */
  readonly variable: string;
  constructor(variable: string, url: string, problem: string) {
    super('INVALID_DATABASE_URL', `${variable} ${problem} (got "${maskDatabaseUrl(url)}")`);
    this.variable = variable;
  }
}

/**
 * Checks that `url` is a `postgresql://` (or `postgres://`) URL before anything connects with it, so a
 * `mysql://` URL or a typo fails with a message naming `variable` instead of a driver error mid-protocol.
 */
export function parseDatabaseUrl(url: string | undefined, variable = 'the database URL'): URL {
  if (url === undefined || url.trim() === '') throw new InvalidDatabaseUrlError(variable, '', 'is empty');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidDatabaseUrlError(
      variable,
      url,
      'is not a URL: expected postgresql://user@host:port/database (with a password: user:…@host)',
    );
  }
  if (!POSTGRES_SCHEMES.includes(parsed.protocol)) {
    throw new InvalidDatabaseUrlError(
      variable,
      url,
      `uses the unsupported scheme "${parsed.protocol.replace(/:$/, '')}": Tessera needs a postgresql:// URL`,
    );
  }
  return parsed;
}

/** What kind of connection failure an error is; `other` when it is none of the known ones. */
export type ConnectionFailureKind =
  | 'refused'
  | 'authentication'
  | 'unknown-database'
  | 'host-not-found'
  | 'timeout'
  | 'server-starting'
  | 'too-many-connections'
  | 'other';

const BY_CODE: Record<string, ConnectionFailureKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'refused',
  ENOTFOUND: 'host-not-found',
  EAI_AGAIN: 'host-not-found',
  ETIMEDOUT: 'timeout',
  '28P01': 'authentication', // invalid_password
  '28000': 'authentication', // invalid_authorization_specification: no pg_hba.conf entry, role cannot log in
  '3D000': 'unknown-database', // invalid_catalog_name
  '57P03': 'server-starting', // cannot_connect_now
  '53300': 'too-many-connections',
};

/** Classifies an error from opening a connection (a socket error code, a SQLSTATE, or a driver timeout). */
export function classifyConnectionError(error: unknown): ConnectionFailureKind {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && code in BY_CODE) return BY_CODE[code] as ConnectionFailureKind;
  const message = error instanceof Error ? error.message : String(error);
  if (/timeout expired|timed out/i.test(message)) return 'timeout';
  if (/Connection terminated unexpectedly/i.test(message)) return 'refused';
  return 'other';
}

/** The failure kinds worth another attempt while a server starts; the rest cannot be fixed by waiting. */
export const TRANSIENT_FAILURES: ReadonlySet<ConnectionFailureKind> = new Set([
  'refused',
  'host-not-found',
  'timeout',
  'server-starting',
  'too-many-connections',
]);

function describeFailure(kind: ConnectionFailureKind, url: URL, error: unknown): string {
  const host = `${url.hostname || url.searchParams.get('host')}:${url.port || 5432}`;
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username);
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  switch (kind) {
    case 'refused':
      return `connection refused: nothing accepts connections at ${host}`;
    case 'authentication':
      return `authentication failed for user "${decodeURIComponent(url.username)}": ${reason}`;
    case 'unknown-database':
      return `database "${database}" does not exist on ${host}`;
    case 'host-not-found':
      return `host "${url.hostname}" not found`;
    case 'timeout':
      return `no answer from ${host} in time`;
    case 'server-starting':
      return `the server at ${host} is starting up`;
    case 'too-many-connections':
      return `the server at ${host} has too many connections`;
    default:
      return reason;
  }
}

const CODES: Record<ConnectionFailureKind, string> = {
  refused: 'CONNECTION_REFUSED',
  authentication: 'AUTHENTICATION_FAILED',
  'unknown-database': 'UNKNOWN_DATABASE',
  'host-not-found': 'HOST_NOT_FOUND',
  timeout: 'CONNECTION_TIMEOUT',
  'server-starting': 'SERVER_STARTING',
  'too-many-connections': 'TOO_MANY_CONNECTIONS',
  other: 'CONNECTION_FAILED',
};

/** Opening a connection to the database failed; the one-line message names the variable and the masked URL. */
export class DatabaseConnectionError extends TesseraError {
  /** What failed: refused, authentication, unknown-database, ... */
  readonly kind: ConnectionFailureKind;
  /** The URL with its password masked. */
  readonly url: string;
  constructor(kind: ConnectionFailureKind, variable: string, url: string, cause: unknown, suffix = '', code?: string) {
    const masked = maskDatabaseUrl(url);
    let detail: string;
    try {
      detail = describeFailure(kind, new URL(url), cause);
    } catch {
      detail = cause instanceof Error ? cause.message : String(cause);
    }
    super(code ?? CODES[kind], `cannot connect to ${variable} (${masked}): ${detail}${suffix}`, { cause });
    this.kind = kind;
    this.url = masked;
  }
}
