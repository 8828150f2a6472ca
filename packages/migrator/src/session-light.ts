import type pg from 'pg';

/**
 * The advisory lock key of a migration run ("tessera" + "migrate" as two int4 halves). Advisory locks are
 * scoped to the database, so runs against different databases on one server never block each other.
 */
export const MIGRATION_LOCK_KEY = [0x74657373, 0x6d696772] as const;

/** Options of every connection the engine opens: TCP keepalives, so a vanished peer is noticed by both sides. */
export function connectionConfig(url: string, applicationName: string): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: applicationName,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/** The local TCP port of `client`'s socket (undefined on a Unix socket). */
export function localPort(client: pg.Client): number | undefined {
  const connection = Reflect.get(client, 'connection') as { stream?: { localPort?: number } } | undefined;
  return connection?.stream?.localPort;
}
