import type { Options } from '@mikro-orm/postgresql';
import { type Composition, createOrm } from './compose.ts';
import { type ConnectionSettings, connectionSettings, type WaitOptions, waitForDatabase } from './connection.ts';

/**
 * What a service calls at start: waits (bounded, with backoff) for the server to answer, then creates the ORM.
 * `onRetry` hears about each failed attempt, e.g. to log "database not up yet, retrying in 500 ms"; `variable`
 * names where the URL came from in error messages (e.g. `DATABASE_URL`).
 */
export async function connectOrm(
  composition: Composition,
  clientUrl: string,
  options: {
    overrides?: Partial<Options>;
    settings?: ConnectionSettings;
    onRetry?: (attempt: number, waitMs: number, error: unknown) => void;
  } & WaitOptions = {},
) {
  await waitForDatabase(clientUrl, options.settings ?? connectionSettings(), options.onRetry, options);
  return createOrm(composition, clientUrl, options.overrides);
}
