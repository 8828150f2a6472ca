/**
 * Server settings for throw-away test data: durability is worthless there, and without it writes and
 * CREATE DATABASE are much cheaper. Parallel test files each bring a connection pool, hence the headroom.
 */
export const TEST_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300'];

/** `settings` as postgres command-line flags. */
export function settingFlags(settings: readonly string[]): string[] {
  return settings.flatMap((setting) => ['-c', setting]);
}
