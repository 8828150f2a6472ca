import { classifyConnectionError, connectionSettings, parseDatabaseUrl, waitForDatabase } from '@tessera/kernel';
import { useEmbeddedDatabase } from './embedded.ts';

/** The database a CLI command runs against, and how to let go of it when the command is done. */
export interface CommandDatabase {
  readonly url: string;
  release(): Promise<void>;
}

/**
 * `DATABASE_URL`, checked before anything connects (a malformed or non-PostgreSQL URL is refused at once) and,
 * unless `wait` is false, waited for with the same bounded backoff as the library's `connectOrm` (a failure is one
 * line saying what failed); or, when it is unset, the embedded default. Every notice goes to `notice` (stderr in the CLI), so `--json` output stays one document.
 */
export async function openDatabase(
  notice: (line: string) => void,
  { wait = true, env = process.env }: { wait?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandDatabase> {
  const url = env.DATABASE_URL;
  if (!url) {
    const embedded = await useEmbeddedDatabase(notice);
    return { url: embedded.url, release: () => embedded.release() };
  }
  parseDatabaseUrl(url, 'DATABASE_URL');
  if (!wait) return { url, release: async () => {} };
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
  return { url, release: async () => {} };
}
