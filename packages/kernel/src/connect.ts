import type { Options } from '@mikro-orm/postgresql';
import { type Composition, createOrm } from './compose.ts';
import { type ConnectionSettings, connectionSettings, waitForDatabase } from './connection.ts';

/**
 * What a service calls at start: waits (bounded, with backoff) for the server to answer, then creates the ORM.
 * `onRetry` hears about each failed attempt, e.g. to log "database not up yet, retrying in 500 ms".
 */
export async function connectOrm(
  composition: Composition,
  clientUrl: string,
  options: {
    overrides?: Partial<Options>;
    settings?: ConnectionSettings;
    onRetry?: (attempt: number, waitMs: number, error: unknown) => void;
  } = {},
) {
  await waitForDatabase(clientUrl, options.settings ?? connectionSettings(), options.onRetry);
  return createOrm(composition, clientUrl, options.overrides);
}
