import type { DatabaseHandle, TesseraConfig } from './config.ts';

/**
 * The database a command runs against: `DATABASE_URL`, checked before anything connects (a malformed or
 * non-PostgreSQL URL is refused at once) and, unless `wait` is false, waited for with the library's bounded
 * backoff (a failure is one line saying what failed, with the password masked); or, when it is unset, the
 * config's own database (for example an embedded server). Notices go to `notice` (stderr), so `--json` output
 * stays one document.
 */
export async function openDatabase(
  config: TesseraConfig,
  notice: (line: string) => void,
  { wait = true, env = process.env }: { wait?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<DatabaseHandle> {
  const url = env.DATABASE_URL;
  if (!url) {
    if (config.database) return config.database(notice);
    throw new Error('DATABASE_URL is not set: set it to the database to use (postgresql://user@host:5432/db)');
  }
  // Loaded here, not at the top: the kernel pulls in the ORM, which `--help` must not pay for.
  const { classifyConnectionError, connectionSettings, parseDatabaseUrl, waitForDatabase } = await import(
    '@tessera/kernel'
  );
  parseDatabaseUrl(url, 'DATABASE_URL');
  if (wait) {
    const settings = connectionSettings(env);
    await waitForDatabase(
      url,
      settings,
      (attempt, waitMs, error) =>
        notice(
          `tessera: DATABASE_URL did not answer (${classifyConnectionError(error)}); ` +
            `attempt ${attempt} of ${settings.connectAttempts}, retrying in ${waitMs} ms`,
        ),
      { variable: 'DATABASE_URL' },
    );
  }
  return { url, release: async () => {} };
}
